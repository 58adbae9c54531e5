package io.voxrelay.common.bus;

/**
 * A client's token opened the session: its state and the new resume token, which replaces the one just
 * used (that one no longer works).
 *
 * @param resumed whether a client had connected to this session before
 */
public record SessionConnected(SessionSnapshot session, String resumeToken, boolean resumed) {
  @Override
  public String toString() {
    return "SessionConnected[" + session.sessionId() + ", resumeToken=redacted, resumed=" + resumed + "]";
  }
}
