package io.voxrelay.common.bus;

/**
 * A client presented {@code token} for {@code sessionId} at the gateway instance {@code gatewayNode}, as the
 * connection {@code connectionId}, having processed server events up to {@code lastSeq}.
 */
public record ConnectSession(String sessionId, String token, String gatewayNode, String connectionId, long lastSeq) {
  @Override
  public String toString() {
    return "ConnectSession[sessionId=" + sessionId + ", token=redacted, gatewayNode=" + gatewayNode + "]";
  }
}
