package io.voxrelay.common.bus;

/** The client connection {@code connectionId} of a session left the gateway instance {@code gatewayNode}. */
public record ClientDetached(String sessionId, String gatewayNode, String connectionId) implements RelayCommand {
}
