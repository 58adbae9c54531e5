package io.voxrelay.common.bus;

/**
 * Claims a session for {@code relayNode} (or, with null, gives a claim back), only if the session is still
 * held by {@code expectedRelayNode} (null: by no relay). Of several relays racing for one session exactly one
 * claim succeeds; the others fail with {@link BusFailure#CONFLICT} and the holder's node id as message. A
 * relay claims before it opens an upstream, so a session never has two.
 */
public record BindRelay(String sessionId, String relayNode, String expectedRelayNode) {
}
