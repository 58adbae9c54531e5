package io.voxrelay.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSockets open per client address in one gateway process, capped: one address cannot hold the
 * process's sockets. Thread-safe (the gateway instances of a process share it); an address leaves the map when
 * its last socket closes, so the map holds no more entries than there are open sockets.
 */
final class OpenConnections {

  private final int maxPerAddress;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  OpenConnections(int maxPerAddress) {
    if (maxPerAddress < 1) {
      throw new IllegalArgumentException("VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS must be at least 1");
    }
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts one more socket of {@code address}; false (and nothing counted) when it holds the most already. */
  boolean tryOpen(String address) {
    boolean[] admitted = new boolean[1];
    open.compute(address, (a, count) -> {
      int now = count == null ? 0 : count;
      admitted[0] = now < maxPerAddress;
      return admitted[0] ? now + 1 : count;
    });
    return admitted[0];
  }

  /** One socket of {@code address} closed (once per socket {@link #tryOpen} admitted). */
  void closed(String address) {
    open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }

  int openBy(String address) {
    return open.getOrDefault(address, 0);
  }

  int maxPerAddress() {
    return maxPerAddress;
  }
}
