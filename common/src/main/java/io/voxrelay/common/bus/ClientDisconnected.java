package io.voxrelay.common.bus;

/**
 * The client connection {@code connectionId} of a session closed (after it had connected). The session
 * service records that no client is connected, unless a newer connection took the session over meanwhile.
 * The reply is empty.
 */
public record ClientDisconnected(String sessionId, String connectionId) {
}
