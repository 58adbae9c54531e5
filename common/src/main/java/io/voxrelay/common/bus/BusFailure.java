package io.voxrelay.common.bus;

/**
 * Failure codes carried by {@code message.fail(code, text)} replies, so callers can tell a refusal from a fault.
 */
public final class BusFailure {

  public static final int BAD_REQUEST = 400;
  /** Unknown session or a token that does not open it: deliberately the same code. */
  public static final int UNAUTHORIZED = 401;
  public static final int NOT_FOUND = 404;
  /** The session ended ({@code end_interview}) and cannot be resumed. */
  public static final int GONE = 410;
  /** The request does not fit the session's state (e.g. a text turn while paused). */
  public static final int CONFLICT = 409;
  /** The message came on a connection that a newer one replaced: it is not processed. */
  public static final int SUPERSEDED = 412;
  /**
   * The relay holding the session is stopping and hands it to another relay: send the request again to that
   * one once the session has moved ({@link RelayLeaving}).
   */
  public static final int MOVING = 307;
  /**
   * A relay sent this under a claim of the session that a newer claim replaced (its fencing epoch is stale):
   * the relay has lost the session and must close its upstream.
   */
  public static final int FENCED = 421;
  /** The session reached one of its limits: it goes on only once the app's backend raises the limit. */
  public static final int BUDGET_EXCEEDED = 402;
  public static final int INTERNAL = 500;
  /** No capacity, e.g. the upstream refused to open. */
  public static final int UNAVAILABLE = 503;

  private BusFailure() {
  }

  /** Whether {@code e} is a bus failure answered with {@code code} (a {@link io.vertx.core.eventbus.ReplyException}). */
  public static boolean is(Throwable e, int code) {
    return e instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() == code;
  }
}
