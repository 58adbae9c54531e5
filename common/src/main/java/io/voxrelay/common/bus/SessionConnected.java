package io.voxrelay.common.bus;

/**
 * A client's token opened the session: its state, the new resume token (the one used stops working once the
 * client confirms it got this one), and the events it missed.
 *
 * @param resumed                whether a client had connected to this session before
 * @param replay                 the stored events after the client's {@code lastSeq}
 * @param previousGatewayNode    the gateway of the connection this one replaces, or null
 * @param previousConnectionId   the connection this one replaces, or null
 */
public record SessionConnected(SessionSnapshot session, String resumeToken, boolean resumed, Replay replay,
                               String previousGatewayNode, String previousConnectionId) {
  @Override
  public String toString() {
    return "SessionConnected[" + session.sessionId() + ", resumeToken=redacted, resumed=" + resumed + "]";
  }
}
