package io.voxrelay.common.bus;

/** The relay instance {@code relayNode} holds the upstream of {@code sessionId}. */
public record UpstreamOpened(String sessionId, String relayNode) {
}
