package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The events one sender emits for one session, on their way to being numbered and stored by the session
 * service ({@link Addresses#SESSION_EMIT}) and then delivered. One batch is in flight at a time, so the
 * numbering follows the order of {@link #emit}; while one is in flight, later events gather into the next
 * batch. A failed batch is retried, in order, until it is stored: an event is delivered only once it can be
 * replayed. A finished turn travels with its {@code transcript.done} event ({@link #emitTurn}), so the
 * history gets the turn exactly when the event stream gets its event. At most {@link #MAX_QUEUED} events
 * wait (a session service unreachable for that long): past it {@link #emit} refuses, and the sender gives
 * the session up rather than lose a turn silently. Confined to the sender's event loop.
 */
public final class EventOutbox {

  /** How a sender delivers numbered events (and then closes with {@code closeCode} if it is not 0). */
  public interface Delivery {
    void deliver(List<NumberedEvent> events, int closeCode);
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
  private static final long MAX_RETRY_DELAY_MS = 5_000;
  /** Events waiting to be stored, at most: hours of conversation for one session. */
  public static final int MAX_QUEUED = 1024;

  private final Vertx vertx;
  private final String sessionId;
  private final Delivery delivery;
  private final DeliveryOptions options;
  private final List<String> queued = new ArrayList<>();
  private final List<Turn> queuedTurns = new ArrayList<>();
  private long queuedClientSeq;
  private int queuedCloseCode;
  private boolean inFlight;
  private int failures;

  public EventOutbox(Vertx vertx, String sessionId, long busTimeoutMs, Delivery delivery) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.delivery = delivery;
    this.options = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  public boolean emit(String event) {
    return emit(event, 0);
  }

  /**
   * Emits an event; with a non-zero {@code closeCode} the client is closed after it.
   *
   * @return false, emitting nothing, when {@link #MAX_QUEUED} events already wait to be stored
   */
  public boolean emit(String event, int closeCode) {
    if (full()) {
      return false;
    }
    append(event, closeCode);
    return true;
  }

  /**
   * Emits a finished turn's {@code transcript.done} event together with the turn itself: both are stored in
   * one transaction. {@code clientSeq} (else 0) is the client message the turn carried out.
   */
  public boolean emitTurn(String event, Turn turn, long clientSeq) {
    if (full()) {
      return false;
    }
    queuedTurns.add(turn);
    queuedClientSeq = Math.max(queuedClientSeq, clientSeq);
    append(event, 0);
    return true;
  }

  private void append(String event, int closeCode) {
    queued.add(event);
    if (closeCode != 0) {
      queuedCloseCode = closeCode;
    }
    flush();
  }

  private boolean full() {
    if (queued.size() < MAX_QUEUED) {
      return false;
    }
    LOG.error("[Outbox] {} events of {} wait to be stored; refusing more", queued.size(), sessionId);
    return true;
  }

  private void flush() {
    if (inFlight || queued.isEmpty()) {
      return;
    }
    EmitEvents batch = new EmitEvents(sessionId, queued, queuedTurns, queuedClientSeq, queuedCloseCode);
    queued.clear();
    queuedTurns.clear();
    queuedClientSeq = 0;
    queuedCloseCode = 0;
    inFlight = true;
    vertx.eventBus().<EmittedEvents>request(Addresses.SESSION_EMIT, batch, options)
        .onSuccess(reply -> {
          inFlight = false;
          failures = 0;
          delivery.deliver(reply.body().events(), batch.closeCode());
          flush();
        })
        .onFailure(e -> {
          inFlight = false;
          // Put the batch back in front, so order holds, and try again later.
          queued.addAll(0, batch.events());
          queuedTurns.addAll(0, batch.turns());
          queuedClientSeq = Math.max(queuedClientSeq, batch.appliedClientSeq());
          if (batch.closeCode() != 0 && queuedCloseCode == 0) {
            queuedCloseCode = batch.closeCode();
          }
          long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(6, failures++));
          LOG.warn("[Outbox] storing {} events of {} failed ({}); retrying in {} ms", batch.events().size(),
              sessionId, e.getMessage(), delay);
          vertx.setTimer(delay, t -> flush());
        });
  }
}
