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

  /** Per session: heartbeat time, audio time, acknowledged seq. */
  private final Map<String, long[]> pending = new HashMap<>();

  public void heartbeat(String sessionId, long at) {
    mark(sessionId, 0, at);
  }

  public void audio(String sessionId, long at) {
    mark(sessionId, 1, at);
  }

  /** The client acknowledged the events up to {@code seq}. */
  public void ack(String sessionId, long seq) {
    mark(sessionId, 2, seq);
  }

  private void mark(String sessionId, int kind, long value) {
    long[] values = pending.computeIfAbsent(sessionId, id -> new long[3]);
    values[kind] = Math.max(values[kind], value);
  }

  /** Everything since the last drain, and a fresh start. */
  public List<Activity> drain() {
    List<Activity> out = new ArrayList<>(pending.size());
    pending.forEach((id, v) -> out.add(new Activity(id, v[0], v[1], v[2])));
    pending.clear();
    return out;
  }
}
