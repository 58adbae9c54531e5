package io.voxrelay.common.protocol;

/**
 * How a session's events are numbered: one order across durable and transient events, without the live
 * path waiting for the store.
 *
 * <p>A {@code seq} is {@code durable × STRIDE + transient}. The session store numbers durable events
 * {@code 1 × STRIDE, 2 × STRIDE, …} when it stores them. The relay holding the session numbers the transient
 * events it sends after durable event {@code d} as {@code d × STRIDE + 1, + 2, …} and sends them at once. So
 * every event has a place in one increasing order, durable events are gap-free among themselves (a missing
 * one is noticed and fetched from the store) and transient ones never wait for a write.
 *
 * <p>A client only compares seqs; it never computes with them.
 */
public final class EventSeq {

  /** Room for transient events between two durable ones; past it, transient events go out unnumbered. */
  public static final long STRIDE = 1_000_000L;

  private EventSeq() {
  }

  /** The seq of the {@code n}-th durable event of a session. */
  public static long durable(long n) {
    return n * STRIDE;
  }

  public static boolean isDurable(long seq) {
    return seq % STRIDE == 0;
  }

  /** How many durable events come at or before {@code seq}. */
  public static long durableCount(long seq) {
    return seq / STRIDE;
  }

  /** The seq the next durable event after {@code seq} has. */
  public static long nextDurable(long seq) {
    return (seq / STRIDE + 1) * STRIDE;
  }

  /** The highest seq that can have been issued when the latest durable event is {@code lastDurable}. */
  public static long ceiling(long lastDurable) {
    return lastDurable - lastDurable % STRIDE + STRIDE - 1;
  }
}
