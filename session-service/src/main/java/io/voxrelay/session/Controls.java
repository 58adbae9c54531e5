package io.voxrelay.session;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;

/** How each interview control changes a stored session. The one place these state rules live. */
final class Controls {

  private Controls() {
  }

  /**
   * The session after {@code control}.
   *
   * @throws Refused when the control does not fit the session's state
   */
  static SessionRecord apply(SessionRecord s, Control control) {
    if (s.ended()) {
      throw new Refused(BusFailure.GONE, "the interview has ended");
    }
    SessionRecord.Builder next = s.toBuilder();
    return switch (control) {
      case PAUSE -> next.paused(true).build();
      case RESUME -> next.paused(false).awaitingResume(false).build();
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
        yield s;
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
