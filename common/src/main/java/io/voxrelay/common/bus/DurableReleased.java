package io.voxrelay.common.bus;

/**
 * A durable event with {@code seq} reached the client from another emitter than the relay (a gateway's
 * error, say): the relay numbers its next transient events after it, so one order holds.
 */
public record DurableReleased(String sessionId, long seq) implements RelayCommand {
}
