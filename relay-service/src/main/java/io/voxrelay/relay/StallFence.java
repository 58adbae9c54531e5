package io.voxrelay.relay;

import java.util.function.LongSupplier;

/**
 * Whether this relay may act on its sessions now. A relay whose own process stalled (a long GC pause, a
 * SIGSTOP, a frozen VM) for longer than {@code fenceMs} may have been removed from the cluster meanwhile, and
 * its sessions taken over by another relay: from the moment it runs again, until the session service has
 * confirmed which claims it still holds, it sends nothing upstream and holds what its upstreams send. The
 * stall is seen either by the periodic {@link #tick} or by any check ({@link #mayAct}) that runs first after
 * it. Confined to the relay's event loop.
 */
final class StallFence {

  /** How often the relay ticks: a stall is measured to within this. */
  static final long TICK_MS = 200;

  private final long fenceMs;
  private final LongSupplier clock;
  private long lastTick;
  private boolean suspect;
  private long longestStallMs;

  StallFence(long fenceMs, LongSupplier clock) {
    this.fenceMs = fenceMs;
    this.clock = clock;
    this.lastTick = clock.getAsLong();
  }

  /**
   * The periodic tick.
   *
   * @return true while a stall past the fence awaits its claims check (found by this tick or an earlier check)
   */
  boolean tick() {
    observe();
    lastTick = clock.getAsLong();
    return suspect;
  }

  /** Whether the relay may act on its sessions now: false from a stall past the fence until {@link #confirmed}. */
  boolean mayAct() {
    observe();
    return !suspect;
  }

  /** Whether a stall was found and its claims check has not been answered yet. */
  boolean suspect() {
    return suspect;
  }

  /** The session service answered the claims check: the relay acts again on the sessions it kept. */
  void confirmed() {
    suspect = false;
    lastTick = clock.getAsLong();
  }

  /** The longest stall seen so far, in milliseconds. */
  long longestStallMs() {
    return longestStallMs;
  }

  private void observe() {
    long gap = clock.getAsLong() - lastTick;
    longestStallMs = Math.max(longestStallMs, gap);
    if (gap > fenceMs) {
      suspect = true;
    }
  }
}
