package io.voxrelay.common.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageProducer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Live messages (audio, which is never replayed) to node addresses, with a bound per address on the messages
 * sent and not yet written to the bus's connection. The clustered bus queues writes to another process without a
 * bound: a relay that cannot keep up leaves the gateway's audio for it in the gateway's heap (four processes at
 * 600 streams, past their capacity, held 139 000 audio messages and filled a 1 GiB heap within seconds). Past
 * {@link #MAX_UNWRITTEN}, a send is refused and the caller drops the message.
 *
 * <p>Whether a message is written shows in its write future, but a listener on each one would cost a hop between
 * event loops per message. So one message in {@link #PROBE_EVERY} is a probe, one probe at a time: writes to one
 * connection complete in order, so while a probe is unwritten, every message sent after it is too. Messages to
 * a node in this process are delivered at once and never count. Confined to one event loop: each verticle
 * instance has its own.
 */
public final class LiveSenders {

  /** At most this many messages to one address wait unwritten, per event loop (about 3 MB of 40 ms frames). */
  public static final int MAX_UNWRITTEN = 2_048;
  /** One message in this many is watched until it is written. */
  public static final int PROBE_EVERY = 32;
  /** Addresses remembered; the least recently added is forgotten first (node addresses are few). */
  static final int MAX_ADDRESSES = 256;

  private final Function<String, MessageProducer<Object>> producers;
  private final Runnable onRefused;
  private final Map<String, Window> windows = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  /** @param onRefused runs for each message refused (to count it) */
  public LiveSenders(Vertx vertx, Runnable onRefused) {
    this(address -> vertx.eventBus().sender(address), onRefused);
  }

  /**
   * @param producers where each address's messages go (the bus's producers, or a test's)
   * @param onRefused runs for each message refused
   */
  public LiveSenders(Function<String, MessageProducer<Object>> producers, Runnable onRefused) {
    this.producers = producers;
    this.onRefused = onRefused;
  }

  /**
   * Sends {@code body} to {@code address}, in order with everything else this event loop sends there; or, when
   * {@link #MAX_UNWRITTEN} messages to it already wait unwritten, sends nothing and returns false.
   */
  public boolean trySend(String address, Object body) {
    Window window = windows.get(address);
    if (window == null) {
      window = new Window(producers.apply(address));
      windows.put(address, window);
    }
    if (window.trySend(body)) {
      return true;
    }
    onRefused.run();
    return false;
  }

  /** The messages to one address, and the probe among them not yet written. */
  private static final class Window {
    private final MessageProducer<Object> producer;
    private long sent;
    /** {@link #sent} when the probe in flight was sent; -1 when none is. */
    private long probeAt = -1;

    Window(MessageProducer<Object> producer) {
      this.producer = producer;
    }

    boolean trySend(Object body) {
      if (probeAt >= 0 && sent - probeAt >= MAX_UNWRITTEN) {
        return false;
      }
      Future<Void> written = producer.write(body);
      sent++;
      if (probeAt < 0 && sent % PROBE_EVERY == 0) {
        long at = sent;
        probeAt = at;
        // Written or failed (the connection closed), the messages before it are no longer waiting.
        written.onComplete(ar -> {
          if (probeAt == at) {
            probeAt = -1;
          }
        });
      }
      return true;
    }
  }
}
