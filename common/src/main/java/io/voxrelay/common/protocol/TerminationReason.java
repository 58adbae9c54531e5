package io.voxrelay.common.protocol;

/**
 * Why a session was ended for it: the watchdog's reasons (seed 004), in the order it checks them, then a
 * reached budget; each with the message a user sees.
 * The one place these codes and texts live.
 */
public enum TerminationReason {
  MAX_AGE_EXCEEDED("max_age_exceeded",
      "Maximum session duration reached. Your progress has been saved and you can resume the interview."),
  HEARTBEAT_TIMEOUT("heartbeat_timeout",
      "Connection lost. Your progress has been saved and you can resume the interview."),
  IDLE_TIMEOUT("idle_timeout",
      "Session ended due to inactivity. Your progress has been saved and you can resume the interview."),
  /** Not the watchdog's: the session reached one of its limits ({@code Budget}); it resumes once one is raised. */
  BUDGET_EXCEEDED("budget_exceeded",
      "This session reached its usage limit. Your progress has been saved; it can continue once the limit is raised.");

  private final String code;
  private final String message;

  TerminationReason(String code, String message) {
    this.code = code;
    this.message = message;
  }

  /** The {@code reason} of {@code session.terminated}, as in the seed's log lines. */
  public String code() {
    return code;
  }

  /** The {@code message} of {@code session.terminated}. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return code;
  }
}
