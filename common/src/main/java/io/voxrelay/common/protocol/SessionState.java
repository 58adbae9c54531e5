package io.voxrelay.common.protocol;

import java.util.Optional;

/**
 * A session's state as the session API shows it and lists sessions by. The one place the rule lives that
 * turns a stored session's flags into it.
 */
public enum SessionState {
  /** Not ended and not awaiting resume: created (its client may not have connected yet), or going on. */
  LIVE("live"),
  /** Its upstream was let go (the client left past the detach grace, or its relay stopped); it reopens on resume. */
  AWAITING_RESUME("awaiting_resume"),
  /** The watchdog ended it for a limit; the user may resume it. */
  TERMINATED("terminated"),
  /** The interview ended ({@code end_interview} or the session API); it cannot be resumed. */
  ENDED("ended");

  private final String code;

  SessionState(String code) {
    this.code = code;
  }

  /**
   * The state of a session with these flags; {@code terminationReason} is that of the watchdog's last
   * termination, cleared when the session is resumed.
   */
  public static SessionState of(boolean ended, boolean awaitingResume, String terminationReason) {
    if (ended) {
      return ENDED;
    }
    if (awaitingResume) {
      return terminationReason == null ? AWAITING_RESUME : TERMINATED;
    }
    return LIVE;
  }

  /** The state named {@code code} in the API, if there is one. */
  public static Optional<SessionState> parse(String code) {
    for (SessionState s : values()) {
      if (s.code.equals(code)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The name in the API and in the store's {@code state} column. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}
