package io.voxrelay.common.bus;

/**
 * A relay's answer to {@link OpenUpstream} when another relay claimed the session first (a racing
 * connection): the gateway joins the session there.
 *
 * @param relayNode the relay instance holding the session, or null when the claim was given back meanwhile
 */
public record UpstreamHeldElsewhere(String sessionId, String relayNode) {
}
