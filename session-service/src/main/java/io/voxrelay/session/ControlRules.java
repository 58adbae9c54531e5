package io.voxrelay.session;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.ControlFit;

/**
 * How each interview control changes a stored session: the one place these state changes live (whether a control
 * fits the state is {@link ControlFit}'s).
 */
final class ControlRules {

  private ControlRules() {
  }

  /**
   * The session after {@code control}.
   *
   * @throws Refused when the control does not fit the session's state
   */
  static SessionRecord apply(SessionRecord s, Control control, long now) {
    ControlFit.Refusal refusal = ControlFit.check(control, s.snapshot());
    if (refusal != null) {
      throw new Refused(refusal.code(), refusal.message());
    }
    // Every control is an interaction: it keeps a session from counting as idle (seed 004).
    SessionRecord.Builder next = s.toBuilder().lastInteractionAt(now);
    return switch (control) {
      case PAUSE -> next.paused(true).build();
      // Resuming a terminated session starts a new run: its age counts from now, and it is terminated no more.
      case RESUME -> next.paused(false).awaitingResume(false).startedAt(s.awaitingResume() ? now : s.startedAt())
          .terminationReason(s.awaitingResume() ? null : s.terminationReason()).build();
      case NEXT_QUESTION -> next.currentQuestionIndex(s.currentQuestionIndex() + 1).build();
      case END -> next.ended(true).terminationReason("ended").build();
      case TEXT -> next.build();
      case TEXT_ONLY_ON -> next.textOnly(true).build();
      case TEXT_ONLY_OFF -> next.textOnly(false).build();
    };
  }

  /**
   * The session after a client's control {@code from} a connection: refused ({@link BusFailure#SUPERSEDED}) when
   * a newer connection took the session over; the session itself, unchanged, when its seq is at or below the
   * client cursor (a resend of a message processed already); else the control applied and the cursor moved to its
   * seq.
   */
  static SessionRecord applyFrom(SessionRecord s, ClientControl from, long now) {
    if (from.connectionId() != null && !from.connectionId().equals(s.connectionId())) {
      throw new Refused(BusFailure.SUPERSEDED, "a newer connection took this session over");
    }
    if (from.clientSeq() > 0 && from.clientSeq() <= s.lastClientSeq()) {
      return s;
    }
    SessionRecord applied = apply(s, from.control(), now);
    return from.clientSeq() > 0 ? applied.toBuilder().lastClientSeq(from.clientSeq()).build() : applied;
  }

  /** A control refused for the session's state; {@code code} is a {@link BusFailure} code. */
  static final class Refused extends RuntimeException {
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
