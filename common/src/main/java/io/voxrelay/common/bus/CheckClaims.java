package io.voxrelay.common.bus;

import java.util.Map;

/**
 * A relay's check of its claims under a new lease (its lease ran out, or this is its first): the session service
 * answers {@link LostClaims}, the sessions a newer claim took from it. The relay closes their upstreams at once:
 * this is how a relay that stalled, or was cut off, learns that another relay took its sessions over.
 *
 * @param epochs the epoch of each session's claim this relay holds, by session id
 */
public record CheckClaims(String relayNode, Map<String, Long> epochs) {
  public CheckClaims {
    epochs = Map.copyOf(epochs);
  }
}
