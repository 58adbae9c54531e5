package io.voxrelay.relay;

import java.util.Map;
import java.util.TreeMap;

/** {@link Timers} on a clock the test moves by hand: timers run, in due order, only inside {@link #advance}. */
final class ManualTimers implements Timers {

  private record Key(long due, long id) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      return due != other.due ? Long.compare(due, other.due) : Long.compare(id, other.id);
    }
  }

  private final TreeMap<Key, Runnable> pending = new TreeMap<>();
  private long now;
  private long nextId;

  @Override
  public long schedule(long delayMs, Runnable task) {
    long id = nextId++;
    pending.put(new Key(now + Math.max(1, delayMs), id), task);
    return id;
  }

  @Override
  public void cancel(long id) {
    pending.keySet().removeIf(key -> key.id() == id);
  }

  @Override
  public long now() {
    return now;
  }

  /** Moves the clock on by {@code ms}, running every timer that falls due on the way. */
  void advance(long ms) {
    long until = now + ms;
    while (!pending.isEmpty() && pending.firstKey().due() <= until) {
      Map.Entry<Key, Runnable> next = pending.pollFirstEntry();
      now = next.getKey().due();
      next.getValue().run();
    }
    now = until;
  }

  /** How many timers wait. */
  int pending() {
    return pending.size();
  }
}
