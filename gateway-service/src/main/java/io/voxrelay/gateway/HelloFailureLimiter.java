package io.voxrelay.gateway;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed hellos (wrong, expired or used tokens) per remote address in a sliding window. Past the
 * limit, an address is refused without asking the session service, which slows down token guessing and
 * keeps a misbehaving client from loading the cluster. Per gateway instance; confined to its event loop.
 */
final class HelloFailureLimiter {

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

  HelloFailureLimiter(int limit, long windowMs, Clock clock) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Whether {@code address} may try a hello now. */
  boolean allows(String address) {
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

  void recordFailure(String address) {
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
