package io.voxrelay.common.bus;

import java.util.List;

/**
 * Sent once a second by a gateway to each relay node it routes sessions to: the sessions it routes there, and
 * which of them had a client heartbeat in that second (the relay's cost guard closes the upstreams whose client
 * went silent). The relay answers {@link NotHeld}: the routed sessions it does not hold.
 *
 * @param routed      every session this gateway routes to the relay
 * @param heartbeated those of them whose client sent a heartbeat since the last message
 */
public record ClientHeartbeats(List<String> routed, List<String> heartbeated) implements RelayCommand {
  public ClientHeartbeats {
    routed = List.copyOf(routed);
    heartbeated = List.copyOf(heartbeated);
  }

  @Override
  public String sessionId() {
    return null;
  }
}
