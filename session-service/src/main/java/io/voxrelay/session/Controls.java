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
    int index = s.currentQuestionIndex();
    return switch (control) {
      case PAUSE -> s.withFlags(index, true, s.awaitingResume(), s.textOnly(), false);
      case RESUME -> s.withFlags(index, false, false, s.textOnly(), false);
      case NEXT_QUESTION -> {
        if (index + 1 >= s.questions().size()) {
          throw new Refused(BusFailure.CONFLICT, "there is no next question");
        }
        yield s.withFlags(index + 1, s.paused(), s.awaitingResume(), s.textOnly(), false);
      }
      case END -> s.withFlags(index, s.paused(), s.awaitingResume(), s.textOnly(), true);
      case TEXT -> {
        if (s.paused() || s.awaitingResume()) {
          throw new Refused(BusFailure.CONFLICT, "the interview is paused; resume it first");
        }
        yield s;
      }
      case TEXT_ONLY_ON -> s.withFlags(index, s.paused(), s.awaitingResume(), true, false);
      case TEXT_ONLY_OFF -> s.withFlags(index, s.paused(), s.awaitingResume(), false, false);
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
