package io.voxrelay.session;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;

/** How each interview control changes a stored session. The one place these state rules live. */
final class ControlRules {

  private ControlRules() {
  }

  /**
   * The session after {@code control}.
   *
   * @throws Refused when the control does not fit the session's state
   */
  static SessionRecord apply(SessionRecord s, Control control, long now) {
    if (s.ended()) {
      throw new Refused(BusFailure.GONE, "the interview has ended");
    }
    // Every control is an interaction: it keeps a session from counting as idle (seed 004).
    SessionRecord.Builder next = s.toBuilder().lastInteractionAt(now);
    return switch (control) {
      case PAUSE -> next.paused(true).build();
      // Resuming a terminated session starts a new run: its age counts from now, and it is terminated no more.
      case RESUME -> {
        if (s.limits().exceededBy(s.spend())) {
          throw new Refused(BusFailure.BUDGET_EXCEEDED, "the session reached its "
              + s.limits().tightestLimit(s.spend()) + " limit; it goes on once the limit is raised");
        }
        yield next.paused(false).awaitingResume(false).startedAt(s.awaitingResume() ? now : s.startedAt())
            .terminationReason(s.awaitingResume() ? null : s.terminationReason()).build();
      }
      case NEXT_QUESTION -> {
        if (s.currentQuestionIndex() + 1 >= s.questions().size()) {
          throw new Refused(BusFailure.CONFLICT, "there is no next question");
        }
        yield next.currentQuestionIndex(s.currentQuestionIndex() + 1).build();
      }
      case END -> next.ended(true).terminationReason("ended").build();
      case TEXT -> {
        if (s.paused() || s.awaitingResume()) {
          throw new Refused(BusFailure.CONFLICT, "the interview is paused; resume it first");
        }
        yield next.build();
      }
      case TEXT_ONLY_ON -> next.textOnly(true).build();
      case TEXT_ONLY_OFF -> next.textOnly(false).build();
    };
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
