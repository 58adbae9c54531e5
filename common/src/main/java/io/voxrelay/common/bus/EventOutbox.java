package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The events one sender emits for one session, on their way to being numbered and stored by the session
 * service ({@link Addresses#SESSION_EMIT}) and then delivered. One batch is in flight at a time, so the
 * numbering follows the order of {@link #emit}; while one is in flight, later events gather into the next
 * batch. A failed batch is sent again as it was, under its idempotency key, until it is stored: the store
 * applies it once however often it arrives (a reply lost to a timeout included), and an event is delivered
 * only once it can be replayed. A finished turn travels with its {@code transcript.done} event
 * ({@link #emitTurn}), so the history gets the turn exactly when the event stream gets its event. At most
 * {@link #MAX_QUEUED} events wait (a session service unreachable for that long): past it {@link #emit}
 * refuses, and the sender gives the session up rather than lose a turn silently. A relay's batches carry its
 * claim epoch: once the store refuses one as stale, the outbox stops and tells the sender
 * ({@link #onFenced}). Confined to the sender's event loop.
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
  private final LongSupplier epoch;
  /** Unique per outbox: with the batch number, each batch's idempotency key. */
  private final String keyPrefix = UUID.randomUUID().toString();
  private final List<String> queued = new ArrayList<>();
  private final List<Turn> queuedTurns = new ArrayList<>();
  private long queuedClientSeq;
  private int queuedCloseCode;
  private long batches;
  /** The batch sent and not yet acknowledged, or null. */
  private EmitEvents inFlight;
  /** Whether {@link #inFlight} is on its way (else it waits for its retry). */
  private boolean sending;
  private int failures;
  private boolean fenced;
  private Runnable onFenced = () -> { };

  /** An outbox for a sender that holds no claim of the session (a gateway). */
  public EventOutbox(Vertx vertx, String sessionId, long busTimeoutMs, Delivery delivery) {
    this(vertx, sessionId, busTimeoutMs, () -> 0, delivery);
  }

  /** An outbox for a relay: each batch carries {@code epoch}, the relay's current claim of the session. */
  public EventOutbox(Vertx vertx, String sessionId, long busTimeoutMs, LongSupplier epoch, Delivery delivery) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.delivery = delivery;
    this.epoch = epoch;
    this.options = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  /** Runs once when the store refuses a batch because the sender's claim is stale; nothing is sent after. */
  public void onFenced(Runnable callback) {
    this.onFenced = callback;
  }

  /** Whether nothing waits to be stored: every event emitted so far is stored (or was refused as fenced). */
  public boolean drained() {
    return inFlight == null && queued.isEmpty();
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
    if (fenced) {
      return;
    }
    queued.add(event);
    if (closeCode != 0) {
      queuedCloseCode = closeCode;
    }
    flush();
  }

  private boolean full() {
    int waiting = queued.size() + (inFlight == null ? 0 : inFlight.events().size());
    if (waiting < MAX_QUEUED) {
      return false;
    }
    LOG.error("[Outbox] {} events of {} wait to be stored; refusing more", waiting, sessionId);
    return true;
  }

  private void flush() {
    if (fenced || sending) {
      return;
    }
    if (inFlight == null) {
      if (queued.isEmpty()) {
        return;
      }
      inFlight = new EmitEvents(sessionId, keyPrefix + "-" + ++batches, epoch.getAsLong(), queued, queuedTurns,
          queuedClientSeq, queuedCloseCode);
      queued.clear();
      queuedTurns.clear();
      queuedClientSeq = 0;
      queuedCloseCode = 0;
    }
    EmitEvents batch = inFlight;
    sending = true;
    BusRequests.<EmittedEvents>request(vertx, Addresses.SESSION_EMIT, batch, options)
        .onSuccess(reply -> {
          sending = false;
          inFlight = null;
          failures = 0;
          delivery.deliver(reply.body().events(), batch.closeCode());
          flush();
        })
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.FENCED) {
            fence();
            return;
          }
          // The same batch goes again, under the same key: stored once whether or not the first one was.
          long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(6, failures++));
          LOG.warn("[Outbox] storing {} events of {} failed ({}); retrying in {} ms", batch.events().size(),
              sessionId, e.getMessage(), delay);
          vertx.setTimer(delay, t -> {
            sending = false;
            flush();
          });
        });
  }

  private void fence() {
    if (fenced) {
      return;
    }
    fenced = true;
    sending = false;
    LOG.warn("[Outbox] the store refused events of {}: another relay holds the session now", sessionId);
    inFlight = null;
    queued.clear();
    queuedTurns.clear();
    onFenced.run();
  }
}
