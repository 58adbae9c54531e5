package io.voxrelay.common.bus;

/**
 * Opens the upstream of a session, or re-attaches the client when this relay already holds it.
 * {@code connectionId} names the client connection, so a late detach of an older one is ignored.
 * Sent to {@link Addresses#RELAY_OPEN} for a new session, to a relay's node address for an existing one.
 *
 * @param failover the relay that held the session is gone: the client is told the upstream was restored
 */
public record OpenUpstream(String sessionId, String gatewayNode, String connectionId, SessionSnapshot session,
                           boolean failover) implements RelayCommand {
}
