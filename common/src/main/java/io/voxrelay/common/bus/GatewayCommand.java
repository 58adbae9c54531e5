package io.voxrelay.common.bus;

/** A message for the gateway instance that holds a session's client, sent to its node address. */
public sealed interface GatewayCommand permits ToClient, ConnectionReplaced, RelayLeaving {
  String sessionId();
}
