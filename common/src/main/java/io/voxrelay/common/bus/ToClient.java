package io.voxrelay.common.bus;

/** A server event for the client of {@code sessionId}, already serialised as the JSON text frame to send. */
public record ToClient(String sessionId, String json) {
}
