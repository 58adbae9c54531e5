package io.voxrelay.common.bus;

/** The client of {@code connectionId} got its new resume token: the token it used before stops working. */
public record ConfirmConnection(String sessionId, String connectionId) {
}
