package io.voxrelay.common.bus;

/**
 * The relay instance {@code relayNode} is stopping cleanly and hands the session over: the gateway holding its
 * client moves it to another relay ({@code upstream.restored} with {@code relay_handoff}), and answers once it
 * has (an empty reply), or fails when it could not. Only then does the stopping relay close its upstream.
 */
public record RelayLeaving(String sessionId, String relayNode) implements GatewayCommand {
}
