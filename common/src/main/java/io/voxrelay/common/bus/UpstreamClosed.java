package io.voxrelay.common.bus;

/**
 * The relay instance {@code relayNode} closed the upstream of a session that has not ended (its client went
 * away, the upstream could not be reopened, or the session was cleaned up). The session now awaits
 * {@code resume_interview} before a new upstream is opened.
 */
public record UpstreamClosed(String sessionId, String relayNode) {
}
