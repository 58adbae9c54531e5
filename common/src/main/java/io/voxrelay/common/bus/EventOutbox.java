package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
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
 * ({@link #emitTurn}), so the history gets the turn exactly when the event stream gets its event; a client's
 * control travels in a batch of its own ({@link #emitControl}), so a refusal leaves the other events alone. At most
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
  /** Batches waiting, in order: events gather into the last one unless it carries a control. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Events (and controls) waiting or in flight: at most {@link #MAX_QUEUED}. */
  private int waiting;
  private long batches;
  /** The batch sent and not yet acknowledged (the head of {@link #pending}), or null. */
  private EmitEvents inFlight;
  /** Whether {@link #inFlight} is on its way (else it waits for its retry). */
  private boolean sending;
  private int failures;
  private boolean fenced;
  private Runnable onFenced = () -> { };

  /** A batch being gathered, or a control on its own with the promise its sender waits on. */
  private static final class Pending {
    final List<String> events = new ArrayList<>();
    final List<Turn> turns = new ArrayList<>();
    final ClientControl control;
    final Promise<SessionControlReply> stored;
    long clientSeq;
    int closeCode;

    Pending(ClientControl control, int closeCode, Promise<SessionControlReply> stored) {
      this.control = control;
      this.closeCode = closeCode;
      this.stored = stored;
    }
  }

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
    return pending.isEmpty();
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
    append(event, null, 0, closeCode);
    return true;
  }

  /**
   * Emits a finished turn's {@code transcript.done} event together with the turn itself: both are stored in
   * one transaction. {@code clientSeq} (else 0) is the typed turn's client seq: the session's client cursor
   * moves to it in that transaction.
   */
  public boolean emitTurn(String event, Turn turn, long clientSeq) {
    if (full()) {
      return false;
    }
    append(event, turn, clientSeq, 0);
    return true;
  }

  /**
   * Stores a client's control after every event emitted before it, in a batch of its own: the session service
   * applies it to the state, numbers its event and moves the client cursor in one transaction, and the event is
   * delivered (then the client closed with {@code closeCode}, if not 0). Completes with the session after it;
   * fails, changing nothing, when the store refuses it (a {@link ReplyException} with a {@link BusFailure}
   * code: it does not fit the state, or came on a replaced connection), when this sender was fenced, or when
   * {@link #MAX_QUEUED} events already wait. A failure that may be passing is retried as every batch is.
   */
  public Future<SessionControlReply> emitControl(ClientControl control, int closeCode) {
    if (fenced) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.FENCED,
          "another relay holds the session now"));
    }
    if (full()) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.UNAVAILABLE,
          "too many events of the session wait to be stored"));
    }
    Promise<SessionControlReply> stored = Promise.promise();
    pending.add(new Pending(control, closeCode, stored));
    waiting++;
    flush();
    return stored.future();
  }

  private void append(String event, Turn turn, long clientSeq, int closeCode) {
    if (fenced) {
      return;
    }
    Pending last = pending.peekLast();
    if (last == null || last.control != null || (last == pending.peekFirst() && inFlight != null)) {
      last = new Pending(null, 0, null);
      pending.add(last);
    }
    last.events.add(event);
    if (turn != null) {
      last.turns.add(turn);
      last.clientSeq = Math.max(last.clientSeq, clientSeq);
    }
    if (closeCode != 0) {
      last.closeCode = closeCode;
    }
    waiting++;
    flush();
  }

  private boolean full() {
    if (waiting < MAX_QUEUED) {
      return false;
    }
    LOG.error("[Outbox] {} events of {} wait to be stored; refusing more", waiting, sessionId);
    return true;
  }

  private void flush() {
    if (fenced || sending || pending.isEmpty()) {
      return;
    }
    Pending head = pending.peekFirst();
    if (inFlight == null) {
      inFlight = new EmitEvents(sessionId, keyPrefix + "-" + ++batches, epoch.getAsLong(), head.events, head.turns,
          head.clientSeq, head.control, head.closeCode);
    }
    EmitEvents batch = inFlight;
    sending = true;
    BusRequests.<EmittedEvents>request(vertx, Addresses.SESSION_EMIT, batch, options)
        .onSuccess(reply -> {
          done(head);
          failures = 0;
          delivery.deliver(reply.body().events(), batch.closeCode());
          if (head.stored != null) {
            head.stored.complete(reply.body().control());
          }
          flush();
        })
        .onFailure(e -> {
          if (BusFailure.is(e, BusFailure.FENCED)) {
            fence((ReplyException) e);
            return;
          }
          if (head.control != null && isRefusal(e)) {
            done(head);
            head.stored.fail(e);
            flush();
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

  /** The head batch is settled: the next one may go. */
  private void done(Pending head) {
    sending = false;
    inFlight = null;
    pending.pollFirst();
    waiting -= head.control != null ? 1 : head.events.size();
  }

  /** The store answered that the control does not fit (a refusal is final; a fault or a timeout may pass). */
  private static boolean isRefusal(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() != BusFailure.INTERNAL && re.failureCode() != BusFailure.UNAVAILABLE;
  }

  private void fence(ReplyException cause) {
    if (fenced) {
      return;
    }
    fenced = true;
    sending = false;
    LOG.warn("[Outbox] the store refused events of {}: another relay holds the session now", sessionId);
    inFlight = null;
    for (Pending dropped : pending) {
      if (dropped.stored != null) {
        dropped.stored.fail(cause);
      }
    }
    pending.clear();
    waiting = 0;
    onFenced.run();
  }
}
