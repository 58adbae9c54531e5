package io.voxrelay.common.bus;

/** A newer connection took the session over: {@code connectionId} is closed with 4409 if it is still open. */
public record ConnectionReplaced(String sessionId, String connectionId) implements GatewayCommand {
}
