package io.voxrelay.common.protocol;

/**
 * The WebSocket close codes voxrelay sends to clients. {@code docs/protocol.md} lists the same table; a
 * client reconnects (with backoff) after a {@link #retryable()} code only, and {@code connected} tells it
 * which those are ({@link #retryableCodes()}).
 *
 * <p>Protocol v1 is public, so no code is ever renumbered. Each code's retry class follows from its range
 * ({@link #retryableByRange(int)}), as Centrifugo's disconnect codes do, and new codes must keep to it:
 * <ul>
 *   <li>1000–2999 (the WebSocket standard's): retryable are 1011, 1012 and 1013 only;</li>
 *   <li>4000–4099: the session ended or was ended; no automatic reconnect (the user may resume);</li>
 *   <li>4100–4399: retryable: something on the server's side, the client reconnects with backoff;</li>
 *   <li>4400–4999: the client's request was refused; retrying unchanged cannot help.</li>
 * </ul>
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
  /** The client kept flooding controls past the rate limit after being told ({@code rate_limited}). */
  POLICY_VIOLATION(1008, "policy violation", false),
  /** A frame that breaks the WebSocket protocol, e.g. a compressed frame (compression is declined). */
  PROTOCOL_ERROR(1002, "protocol error", false),
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

  /** Whether a client reconnects after this code, with backoff. */
  public boolean retryable() {
    return retryable;
  }

  /** The retry class a code's range gives it (see the class comment); every code here agrees with it. */
  public static boolean retryableByRange(int code) {
    if (code < 3000) {
      return code == 1011 || code == 1012 || code == 1013;
    }
    return code >= 4100 && code < 4400;
  }

  /** The numbers of the retryable codes, ascending. */
  public static java.util.List<Integer> retryableCodes() {
    return java.util.Arrays.stream(values()).filter(CloseCode::retryable).map(CloseCode::code).sorted().toList();
  }
}
