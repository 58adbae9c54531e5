package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.net.BoundedWrites;
import io.voxrelay.common.net.WriteBounds;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Server events to one client socket: each numbered event once and in seq order ({@link EventOrder}), a gap
 * filled from the session service's store, replays merged in, the AI's voice dropped rather than queued for
 * a client that does not keep up, and a client that stopped reading closed (1013). Confined to the gateway
 * verticle's event loop.
 */
final class ClientDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(ClientDelivery.class);
  /** How long an out-of-order event waits before the missing ones are fetched from the store. */
  static final long GAP_FILL_DELAY_MS = 250;

  private final Vertx vertx;
  private final String sessionId;
  private final DeliveryOptions busOptions;
  private final BoundedWrites writes;
  private final Consumer<CloseCode> close;
  private final LongConsumer relayBehind;
  private final GatewayMetrics metrics;
  /** Set once connected (the client's position is known); null before and after. */
  private EventOrder order;
  private long gapTimer = -1;
  private boolean filling;

  /**
   * @param close       closes the connection with a code
   * @param relayBehind the relay numbered transient events before the durable event with this seq, which
   *                    the client has: it is told, so it numbers after it
   */
  ClientDelivery(Vertx vertx, ServerWebSocket socket, String sessionId, DeliveryOptions busOptions,
                 WriteBounds bounds, Consumer<CloseCode> close, LongConsumer relayBehind) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.busOptions = busOptions;
    this.close = close;
    this.writes = new BoundedWrites(socket, bounds, System::currentTimeMillis, this::stoppedReading);
    this.relayBehind = relayBehind;
    this.metrics = GatewayMetrics.of(vertx);
  }

  /** The client is connected with every event up to {@code position}: numbered events flow from here. */
  void start(long position) {
    order = new EventOrder(position, new EventOrder.Sink() {
      @Override
      public void write(String json, int closeCode) {
        ClientDelivery.this.write(json, closeCode);
      }

      @Override
      public void relayBehind(long lastDurable) {
        relayBehind.accept(lastDurable);
      }
    });
  }

  /** Nothing more goes out: the connection closed. */
  void stop() {
    order = null;
    if (gapTimer >= 0) {
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  /** The seq of the last numbered event the client got. */
  long lastDelivered() {
    return order == null ? 0 : order.lastDelivered();
  }

  /**
   * One server event, in seq order ({@code seq} 0: a live one, straight out), then a close with
   * {@code closeCode} if it is not 0; {@code json} may be null for a close alone.
   */
  void deliver(long seq, String json, int closeCode) {
    if (order == null) {
      return;
    }
    if (json == null) {
      write(null, closeCode);
      return;
    }
    order.offer(seq, json, closeCode);
    if (order != null && order.hasGap()) {
      scheduleGapFill();
    }
  }

  /** Numbered events this gateway emitted, once stored: the relay numbers its transient events after them. */
  void deliverStored(List<NumberedEvent> events, int closeCode) {
    for (int i = 0; i < events.size(); i++) {
      NumberedEvent event = events.get(i);
      deliver(event.seq(), event.json(), i == events.size() - 1 ? closeCode : 0);
    }
    if (!events.isEmpty()) {
      relayBehind.accept(events.get(events.size() - 1).seq());
    }
  }

  /**
   * Replayed events: the stored (durable) ones after the client's position and the transient ones the relay
   * still holds, merged in seq order. A replay that lost some first says so with {@code replay.truncated}.
   */
  void deliverReplay(Replay replay, List<NumberedEvent> transients) {
    if (order == null) {
      return;
    }
    long resumeFrom = replay.events().isEmpty() ? EventSeq.nextDurable(replay.lastSeq())
        : replay.events().get(0).seq();
    // The store answers for the position the replay was asked from. A gap fill may come back after the missing
    // events arrived live, and the client acknowledged them, so the store pruned them: only a durable event
    // this client has not had yet counts as lost.
    if (replay.truncated() && resumeFrom > EventSeq.nextDurable(order.lastDelivered())) {
      LOG.warn("[Gateway] events of {} after seq {} are no longer kept (stored up to {}): the client resumes from {}",
          sessionId, order.lastDelivered(), replay.lastSeq(), resumeFrom);
      send(ServerEvents.replayTruncated(resumeFrom));
      order.skipTo(resumeFrom);
      metrics.durableTruncations.increment();
    }
    List<NumberedEvent> events = new ArrayList<>(replay.events().size() + transients.size());
    events.addAll(replay.events());
    events.addAll(transients);
    events.sort(Comparator.comparingLong(NumberedEvent::seq));
    if (!events.isEmpty()) {
      metrics.replays.increment();
    }
    for (NumberedEvent event : events) {
      deliver(event.seq(), event.json(), 0);
    }
  }

  /** Transient events a relay replays on attach, after {@code replay.truncated} if some were lost. */
  void deliverTransients(List<NumberedEvent> transients, boolean lost) {
    if (order == null) {
      return;
    }
    if (lost) {
      send(ServerEvents.transientsTruncated(order.lastDelivered() + 1));
      metrics.transientTruncations.increment();
    }
    transients.forEach(event -> deliver(event.seq(), event.json(), 0));
  }

  /** Fetches from the store whatever came after the last event delivered, and delivers it in order. */
  void fillGap() {
    if (order == null || filling) {
      return;
    }
    filling = true;
    BusRequests.<Replay>requestService(vertx, Addresses.SESSION_REPLAY, new ReplayRequest(sessionId, order.lastDelivered()),
            busOptions)
        .onComplete(ar -> {
          filling = false;
          if (ar.succeeded()) {
            deliverReplay(ar.result().body(), List.of());
          }
          if (order != null && order.hasGap()) {
            scheduleGapFill();
          }
        });
  }

  private void scheduleGapFill() {
    if (gapTimer < 0 && !filling) {
      gapTimer = vertx.setTimer(GAP_FILL_DELAY_MS, t -> {
        gapTimer = -1;
        fillGap();
      });
    }
  }

  private void write(String json, int closeCode) {
    if (order == null) {
      return;
    }
    // The AI's voice is live: dropped rather than queued for a client that does not keep up.
    if (json != null && !(ServerEvents.isAudio(json) ? writeAudio(json) : send(json))) {
      return;
    }
    if (closeCode != 0) {
      close.accept(CloseCode.of(closeCode));
    }
  }

  /**
   * Writes a frame that may not be lost, outside the seq order (an error about this connection, a pong).
   * Returns false, writing nothing, once the client stopped reading (see {@link #stoppedReading}).
   */
  boolean send(String text) {
    return writes.write(text);
  }

  /** The AI's voice to the client, counted; false when dropped (the client does not keep up) or closed. */
  private boolean writeAudio(String json) {
    if (!writes.writeDroppable(json)) {
      metrics.audioDroppedOut.increment();
      return false;
    }
    metrics.audioFramesOut.increment();
    metrics.audioBytesOut.increment(ServerEvents.audioBytes(json));
    return true;
  }

  /**
   * The client's socket queue stayed full past its bounds: the client is closed with 1013. It reconnects and
   * gets what it missed by replay, and nothing queues without bound.
   */
  private void stoppedReading() {
    LOG.warn("[Gateway] closing the client of {}: it stopped reading ({} audio frames dropped)", sessionId,
        writes.dropped());
    close.accept(CloseCode.TRY_AGAIN_LATER);
  }
}
