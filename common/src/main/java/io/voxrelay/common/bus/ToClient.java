package io.voxrelay.common.bus;

/**
 * A server event for the client of {@code sessionId}, already serialised as the JSON text frame to send
 * (stamped with its {@code seq} unless it is live-only, like audio). When {@code closeCode} is not 0 the
 * gateway closes the socket with it right after the event; {@code json} may then be null.
 */
public record ToClient(String sessionId, String json, int closeCode) implements GatewayCommand {
}
