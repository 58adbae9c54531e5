package io.voxrelay.common.bus;

/** A new session and the client token that opens it. The token is returned once and stored only as a hash. */
public record SessionCreated(String sessionId, String token) {
  @Override
  public String toString() {
    return "SessionCreated[sessionId=" + sessionId + ", token=redacted]";
  }
}
