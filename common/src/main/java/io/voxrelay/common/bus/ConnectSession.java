package io.voxrelay.common.bus;

/**
 * A client presented {@code token} for {@code sessionId} at the gateway instance {@code gatewayNode}, as the
 * connection {@code connectionId}, having processed server events up to {@code lastSeq}.
 *
 * @param deadline when the gateway stops waiting for the answer (epoch milliseconds; 0: no deadline). The
 *                 session service applies no connect past it: a hello the gateway gave up on (its client
 *                 retried meanwhile) must not rotate the token, or take the session from the newer connection,
 *                 after the retry did
 */
public record ConnectSession(String sessionId, String token, String gatewayNode, String connectionId, long lastSeq,
                             long deadline) {

  /** A connect with no deadline. */
  public ConnectSession(String sessionId, String token, String gatewayNode, String connectionId, long lastSeq) {
    this(sessionId, token, gatewayNode, connectionId, lastSeq, 0);
  }

  @Override
  public String toString() {
    return "ConnectSession[sessionId=" + sessionId + ", token=redacted, gatewayNode=" + gatewayNode + "]";
  }
}
