package io.voxrelay.common.bus;

/**
 * Whether a client's control fits the session's state: the one place these refusals are decided. The session
 * service applies it with the stored row under its lock; a relay applies it to a typed turn on arrival, from
 * the state it holds (every other control of a session it holds passes through it too).
 */
public final class ControlFit {

  private ControlFit() {
  }

  /** A control that does not fit: {@code code} is a {@link BusFailure} code, {@code message} says why. */
  public record Refusal(int code, String message) {
  }

  /**
   * The refusal for {@code control} on {@code session}, or null when it fits. A session past one of its limits
   * ({@link SessionSnapshot#budgetExceeded()}) is resumed only once the limit is raised.
   */
  public static Refusal check(Control control, SessionSnapshot session) {
    if (session.ended()) {
      return new Refusal(BusFailure.GONE, "the interview has ended");
    }
    return switch (control) {
      case RESUME -> session.budgetExceeded() ? new Refusal(BusFailure.BUDGET_EXCEEDED, "the session reached its "
          + session.budget().tightestLimit(session.spend()) + " limit; it goes on once the limit is raised") : null;
      case NEXT_QUESTION -> session.currentQuestionIndex() + 1 >= session.questions().size()
          ? new Refusal(BusFailure.CONFLICT, "there is no next question") : null;
      case TEXT -> session.paused() || session.awaitingResume()
          ? new Refusal(BusFailure.CONFLICT, "the interview is paused; resume it first") : null;
      case PAUSE, END, TEXT_ONLY_ON, TEXT_ONLY_OFF -> null;
    };
  }
}
