package io.voxrelay.common.rate;

/**
 * Lets something happen at most once per interval: a notice to a client, an error reply, a log line. Pure:
 * the caller gives the time. Not thread-safe; confined to its owner's event loop.
 */
public final class IntervalGate {

  private final long intervalMs;
  private long lastAt;
  private boolean opened;

  public IntervalGate(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /** Whether it may happen at {@code now}; if so, the next time is one interval later. */
  public boolean tryPass(long now) {
    if (opened && now - lastAt < intervalMs) {
      return false;
    }
    opened = true;
    lastAt = now;
    return true;
  }
}
