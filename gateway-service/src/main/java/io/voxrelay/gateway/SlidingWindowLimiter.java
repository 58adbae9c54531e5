package io.voxrelay.gateway;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts events per key (a remote address, a session) in a sliding window; past the limit, the key is
 * refused until old events leave the window. Used for failed hellos (slowing token guessing) and for
 * diagnostics reports (keeping a public endpoint from flooding the logs). One per process, shared by its
 * gateway instances (so the limit holds for the process, whichever event loop a connection lands on):
 * thread-safe, and called only on a hello or a report, never per frame.
 */
final class SlidingWindowLimiter {

  /** Addresses tracked at most; the least recently failing are forgotten first. */
  static final int MAX_ADDRESSES = 10_000;

  private final int limit;
  private final long windowMs;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  SlidingWindowLimiter(int limit, long windowMs, Clock clock) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Whether {@code address} is under its limit now. */
  synchronized boolean allows(String address) {
    Deque<Long> times = failures.get(address);
    if (times == null) {
      return true;
    }
    prune(times, clock.millis());
    if (times.isEmpty()) {
      failures.remove(address);
      return true;
    }
    return times.size() < limit;
  }

  synchronized void record(String address) {
    long now = clock.millis();
    Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    prune(times, now);
    times.addLast(now);
  }

  private void prune(Deque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= windowMs) {
      times.removeFirst();
    }
  }
}
