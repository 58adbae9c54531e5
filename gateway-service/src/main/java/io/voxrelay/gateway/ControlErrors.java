package io.voxrelay.gateway;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.eventbus.ReplyException;

/**
 * What the client is told when a control fails: a code it can act on ({@code invalid_state}: not now, in
 * this state; {@code session_ended}; {@code budget_exceeded}: not until the backend raises a limit; {@code unavailable}: try
 * again) and a message. A refusal's own message
 * is shown; a fault's cause is not (it may name internals).
 */
final class ControlErrors {

  private ControlErrors() {
  }

  static String code(Throwable e) {
    String refusal = refusalCode(e);
    return refusal != null ? refusal : "unavailable";
  }

  static String message(Control control, Throwable e) {
    return refusalCode(e) != null ? e.getMessage()
        : "'" + control.name().toLowerCase() + "' could not be carried out now; try again";
  }

  /**
   * Whether {@code e} refuses the control itself (it does not fit the session, or came on a replaced
   * connection): sending it elsewhere changes nothing.
   */
  static boolean isRefusal(Throwable e) {
    return refusalCode(e) != null || BusFailure.is(e, BusFailure.SUPERSEDED);
  }

  /** The client's code for a refusal of the control itself (its message may be shown), or null for a fault. */
  private static String refusalCode(Throwable e) {
    if (e instanceof ReplyException re) {
      return switch (re.failureCode()) {
        case BusFailure.CONFLICT -> "invalid_state";
        case BusFailure.GONE -> "session_ended";
        case BusFailure.BUDGET_EXCEEDED -> TerminationReason.BUDGET_EXCEEDED.code();
        default -> null;
      };
    }
    return null;
  }

  /** A failure as the logs show it: the bus failure kind and code, or the exception. */
  static String describe(Throwable e) {
    return e instanceof ReplyException re ? re.failureType() + "/" + re.failureCode() + " " + re.getMessage()
        : e.toString();
  }
}
