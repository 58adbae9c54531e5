package io.voxrelay.common.bus;

import java.util.List;

/**
 * The relay nodes whose lease is valid by the store's clock, in the session service's judgement (the one that
 * grants claims): a relay not listed may have its sessions claimed by another, and a gateway moves them.
 *
 * @param relayNodes node ids, in no particular order
 */
public record LiveRelays(List<String> relayNodes) {
  public LiveRelays {
    relayNodes = List.copyOf(relayNodes);
  }
}
