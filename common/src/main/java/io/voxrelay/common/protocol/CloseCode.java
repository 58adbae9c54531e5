package io.voxrelay.common.protocol;

/**
 * The WebSocket close codes voxrelay sends to clients. {@code docs/protocol.md} lists the same table; a
 * client retries on {@link #retryable()} codes only.
 */
public enum CloseCode {
  /** The interview ended normally ({@code end_interview}). */
  NORMAL(1000, "session ended", false),
  /**
   * The gateway is shutting down; reconnect (to another instance). Not 1001: browsers use 1001 when a page
   * goes away, and the web client treats it as an expected close that never retries.
   */
  SERVICE_RESTART(1012, "service restart", true),
  /** A frame larger than the protocol allows. */
  MESSAGE_TOO_BIG(1009, "message too big", false),
  /** An unexpected server fault; reconnect. */
  INTERNAL_ERROR(1011, "internal error", true),
  /** No relay could open the upstream right now; reconnect later. */
  TRY_AGAIN_LATER(1013, "try again later", true),
  /** The watchdog ended the session ({@code session.terminated} came first); it can be resumed. */
  SESSION_TERMINATED(4000, "session terminated", false),
  /** The first frame was not a valid {@code hello}. */
  BAD_HELLO(4400, "invalid hello", false),
  /** Unknown session or wrong token: one code for both, so it does not reveal whether the session exists. */
  UNAUTHORIZED(4401, "unauthorized", false),
  /** The interview ended ({@code end_interview}); the session cannot be resumed. */
  SESSION_ENDED(4410, "session ended", false),
  /** Too many failed connection attempts from this address; wait before trying again. */
  TOO_MANY_ATTEMPTS(4429, "too many failed attempts", false),
  /** No {@code hello} arrived in time. */
  HELLO_TIMEOUT(4408, "hello timeout", false),
  /** A newer connection for the same session took over; this one is no longer live. */
  REPLACED(4409, "replaced by a newer connection", false);

  private final int code;
  private final String reason;
  private final boolean retryable;

  CloseCode(int code, String reason, boolean retryable) {
    this.code = code;
    this.reason = reason;
    this.retryable = retryable;
  }

  /** The close code with this number; an unknown number maps to {@link #INTERNAL_ERROR}. */
  public static CloseCode of(int code) {
    for (CloseCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL_ERROR;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public boolean retryable() {
    return retryable;
  }
}
