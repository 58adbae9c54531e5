package io.voxrelay.relay;

import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's transient events at this relay: it numbers them after the latest durable event it knows of
 * and keeps the most recent ones for replay, like a memory history. Bounded by event count and by size; what
 * falls out is remembered as a mark, so a client that needed it is told ({@code replay.truncated}). Lives
 * and dies with the relay's hold on the session. Confined to the relay's event loop.
 */
final class TransientRing {

  /** The replay a (re)attaching client gets from the ring. */
  record Replay(List<NumberedEvent> events, boolean lost) {
  }

  static final int MAX_EVENTS = 512;
  static final int MAX_CHARS = 128 * 1024;

  private final ArrayDeque<NumberedEvent> entries = new ArrayDeque<>();
  /** The seq this hold started after: transient events of an earlier hold are not here. */
  private final long startedAfter;
  /** Whether the hold before this one died with transient events it had not delivered. */
  private final boolean earlierLost;
  private long last;
  private long evictedUpTo;
  private int chars;

  /**
   * @param afterSeq    new events are numbered after it: the later of the opening client's position and the
   *                    latest stored durable seq
   * @param earlierLost the previous holder of the session crashed, and its ring with it
   */
  TransientRing(long afterSeq, boolean earlierLost) {
    this.startedAfter = afterSeq;
    this.last = afterSeq;
    this.earlierLost = earlierLost;
  }

  /**
   * Numbers a transient event and keeps it. Returns it numbered, or null when the room between two durable
   * events is used up (then it goes out live only, unnumbered).
   */
  NumberedEvent add(String eventJson) {
    if (EventSeq.isDurable(last + 1)) {
      return null;
    }
    last++;
    NumberedEvent numbered = NumberedEvent.of(eventJson, last);
    entries.addLast(numbered);
    chars += numbered.json().length();
    while (entries.size() > MAX_EVENTS || chars > MAX_CHARS) {
      NumberedEvent dropped = entries.removeFirst();
      chars -= dropped.json().length();
      evictedUpTo = dropped.seq();
    }
    return numbered;
  }

  /** A durable event with {@code seq} reached the client: transient events from now on follow it. */
  void durableReleased(long seq) {
    if (seq > last) {
      last = seq;
    }
  }

  /** A client with every event up to {@code seq} attaches: new events must come after it too. */
  void observe(long seq) {
    durableReleased(seq);
  }

  /** The transient events after {@code afterSeq} still held, and whether some after it are gone. */
  Replay after(long afterSeq) {
    List<NumberedEvent> events = new ArrayList<>();
    for (NumberedEvent entry : entries) {
      if (entry.seq() > afterSeq) {
        events.add(entry);
      }
    }
    boolean lost = afterSeq < evictedUpTo || (earlierLost && afterSeq <= startedAfter);
    return new Replay(events, lost);
  }

  /** The seq of the latest event this ring numbered or was told of. */
  long last() {
    return last;
  }
}
