package io.voxrelay.common.bus;

/** A client presented {@code token} for {@code sessionId} at the gateway instance {@code gatewayNode}. */
public record ConnectSession(String sessionId, String token, String gatewayNode) {
  @Override
  public String toString() {
    return "ConnectSession[sessionId=" + sessionId + ", token=redacted, gatewayNode=" + gatewayNode + "]";
  }
}
