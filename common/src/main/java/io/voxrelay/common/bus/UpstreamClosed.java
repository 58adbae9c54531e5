package io.voxrelay.common.bus;

/**
 * The relay instance {@code relayNode} closed the upstream it opened under claim {@code epoch}, for a session
 * that has not ended (its client went away, the upstream could not be reopened, or the session was cleaned
 * up). The session now awaits {@code resume_interview} before a new upstream is opened. The reply is empty;
 * a notice about an older claim (a relay claimed the session since) changes nothing, so a late one never
 * touches a fresh upstream.
 *
 * @param failed the relay gave up reopening the upstream (it could not be reached), rather than letting it go
 */
public record UpstreamClosed(String sessionId, String relayNode, long epoch, boolean failed) {
}
