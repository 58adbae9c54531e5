package io.voxrelay.common.bus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects activity per session between reports, keeping only the latest time of each kind, so a node sends
 * one {@link ActivityBatch} a second however many frames and sessions it handled. Not thread-safe: one per
 * event loop.
 */
public final class ActivityAccumulator {

  private final Map<String, long[]> pending = new HashMap<>();

  public void heartbeat(String sessionId, long at) {
    long[] times = pending.computeIfAbsent(sessionId, id -> new long[2]);
    times[0] = Math.max(times[0], at);
  }

  public void audio(String sessionId, long at) {
    long[] times = pending.computeIfAbsent(sessionId, id -> new long[2]);
    times[1] = Math.max(times[1], at);
  }

  /** Everything since the last drain, and a fresh start. */
  public List<Activity> drain() {
    List<Activity> out = new ArrayList<>(pending.size());
    pending.forEach((id, t) -> out.add(new Activity(id, t[0], t[1])));
    pending.clear();
    return out;
  }
}
