package io.voxrelay.gateway;

import io.voxrelay.common.protocol.EventSeq;

import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which one client connection gets its session's numbered events ({@link EventSeq}): each once,
 * in seq order. Durable events are gap-free among themselves, so one that arrives before its predecessor
 * waits for it (and the caller fetches it from the store); transient events from the relay arrive in the
 * order it sent them and go out at once, unless a durable event before them is still missing.
 *
 * <p>A transient event numbered before a durable event the client already has is <em>late</em>: the relay
 * numbered it before it heard of that durable event (another emitter's). It goes out unnumbered (once, in
 * the order it came, never replayed) and the caller tells the relay, so it numbers after that event from now
 * on. Pure: confined to the connection's event loop, no I/O.
 */
final class EventOrder {

  /** Where events go out, in order; {@code closeCode} 0 means the connection stays open. */
  interface Sink {
    void write(String json, int closeCode);

    /** A late transient event went out: the relay should number after {@code lastDurable}. */
    void relayBehind(long lastDurable);
  }

  /** Events waiting for the ones before them; past this, the newest waiting one is let go. */
  static final int MAX_WAITING = 1024;

  private record Waiting(String json, int closeCode) {
  }

  private final Sink sink;
  private final TreeMap<Long, Waiting> waiting = new TreeMap<>();
  private long lastDelivered;
  /** The highest transient seq that went out: a late one at or below it is a duplicate. */
  private long lastTransient;
  private long dropped;

  EventOrder(long lastDelivered, Sink sink) {
    this.lastDelivered = lastDelivered;
    this.lastTransient = lastDelivered;
    this.sink = sink;
  }

  /** The seq of the last numbered event the client got. */
  long lastDelivered() {
    return lastDelivered;
  }

  /** Whether some event waits for one before it (the caller fetches the missing ones from the store). */
  boolean hasGap() {
    return !waiting.isEmpty();
  }

  /** Events let go because too many waited: a durable one is fetched again from the store. */
  long dropped() {
    return dropped;
  }

  /** Takes one event ({@code seq} 0: a live one, unnumbered) and writes what is now in order. */
  void offer(long seq, String json, int closeCode) {
    if (seq == 0) {
      sink.write(json, closeCode);
      return;
    }
    Waiting held = waiting.get(seq);
    if (held != null && closeCode == 0) {
      // The same event again (a replayed copy of one that waits): the close that came with it still holds.
      closeCode = held.closeCode();
    }
    long durables = EventSeq.durableCount(lastDelivered);
    long eventDurables = EventSeq.durableCount(seq);
    if (EventSeq.isDurable(seq)) {
      if (eventDurables == durables + 1) {
        deliver(seq, json, closeCode);
      } else if (eventDurables > durables + 1) {
        wait(seq, json, closeCode);
      }
    } else if (eventDurables == durables) {
      if (seq > lastDelivered) {
        deliver(seq, json, closeCode);
      }
    } else if (eventDurables > durables) {
      wait(seq, json, closeCode);
    } else if (seq > lastTransient) {
      lastTransient = seq;
      sink.write(unstamped(json), closeCode);
      sink.relayBehind(EventSeq.durable(durables));
    }
  }

  /** Events before {@code resumeFrom} are gone for good: carry on from there. */
  void skipTo(long resumeFrom) {
    if (resumeFrom - 1 > lastDelivered) {
      lastDelivered = resumeFrom - 1;
      lastTransient = Math.max(lastTransient, lastDelivered);
    }
    drain();
  }

  private void deliver(long seq, String json, int closeCode) {
    advance(seq);
    sink.write(json, closeCode);
    drain();
  }

  private void advance(long seq) {
    lastDelivered = seq;
    if (!EventSeq.isDurable(seq)) {
      lastTransient = seq;
    }
  }

  private void wait(long seq, String json, int closeCode) {
    waiting.merge(seq, new Waiting(json, closeCode), (old, copy) -> copy.closeCode() != 0 ? copy : old);
    if (waiting.size() > MAX_WAITING) {
      waiting.pollLastEntry();
      dropped++;
    }
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      Map.Entry<Long, Waiting> first = waiting.firstEntry();
      long seq = first.getKey();
      long durables = EventSeq.durableCount(lastDelivered);
      boolean next = EventSeq.isDurable(seq)
          ? EventSeq.durableCount(seq) == durables + 1
          : EventSeq.durableCount(seq) == durables && seq > lastDelivered;
      boolean stale = seq <= lastDelivered;
      if (!next && !stale) {
        return;
      }
      waiting.pollFirstEntry();
      if (next) {
        advance(seq);
        sink.write(first.getValue().json(), first.getValue().closeCode());
      }
    }
  }

  /**
   * A numbered event without its {@code seq}: {@code {"seq":N,...}} becomes {@code {...}}
   * ({@link io.voxrelay.common.protocol.NumberedEvent#of} always puts it first).
   */
  static String unstamped(String json) {
    int comma = json.indexOf(',');
    return comma < 0 ? "{}" : "{" + json.substring(comma + 1);
  }
}
