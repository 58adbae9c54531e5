package io.voxrelay.common.bus;

/** Records that {@code relayNode} now holds the upstream of {@code sessionId}. */
public record BindRelay(String sessionId, String relayNode) {
}
