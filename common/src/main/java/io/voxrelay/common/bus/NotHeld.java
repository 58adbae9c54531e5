package io.voxrelay.common.bus;

import java.util.List;

/**
 * A relay's answer to {@link ClientHeartbeats}: of the sessions the gateway routes to it, those it does not hold
 * (it closed or lost their upstreams). The gateway moves them on.
 */
public record NotHeld(List<String> sessionIds) {
  public NotHeld {
    sessionIds = List.copyOf(sessionIds);
  }
}
