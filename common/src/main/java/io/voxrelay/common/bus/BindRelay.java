package io.voxrelay.common.bus;

/**
 * Claims a session for {@code relayNode} (or, with null, gives a claim back), only if the session is still
 * held by {@code expectedRelayNode} (null: by no relay). The answer is a {@link RelayClaim}: of several relays
 * racing for one session exactly one is granted; the others learn which relay holds it. A relay claims before
 * it opens an upstream, so a session never has two.
 */
public record BindRelay(String sessionId, String relayNode, String expectedRelayNode) {
}
