package io.voxrelay.common.bus;

/**
 * Erases a session for the app's backend: ends it first if it is live (its client is told, its upstream
 * closes), then deletes every stored row of it, and queues a {@code session.deleted} webhook holding its id
 * only. Answers empty; fails with {@link BusFailure#NOT_FOUND} for no session (also one erased before).
 */
public record DeleteSession(String sessionId) {
}
