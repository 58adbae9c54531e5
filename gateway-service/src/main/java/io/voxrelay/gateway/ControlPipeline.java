package io.voxrelay.gateway;

import io.voxrelay.common.Polls;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One connection's controls: carried out one after another in the order the client sent them, first on the
 * session state (the session service decides whether each fits, and whether its client seq was processed
 * already), then upstream at the relay, which carries each client seq out once. A control that fails becomes
 * an {@code error} event with a code the client can act on ({@link ControlErrors}). It also keeps the
 * connection's audio gate, from the session's own flag ({@link SessionSnapshot#audioGated()}). Confined to
 * the gateway verticle's event loop.
 */
final class ControlPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(ControlPipeline.class);
  /** Controls waiting behind the one under way; more are refused with an error. */
  static final int MAX_QUEUED = 64;

  /** Opens an upstream for a session that has none (a resume); completes once the route has a relay. */
  interface Reopen extends Function<SessionSnapshot, Future<UpstreamOpened>> {
  }

  private final Vertx vertx;
  private final String sessionId;
  private final String connectionId;
  private final DeliveryOptions busOptions;
  private final RelayRoute route;
  private final EventOutbox outbox;
  private final Reopen reopen;
  private final Function<String, Future<Void>> relayLost;
  private final Consumer<String> sendLocal;
  private final BiConsumer<String, String> refuse;
  private Future<Void> chain = Future.succeededFuture();
  private int queued;
  /** Audio is dropped at the gateway while this is set, before it costs a bus message. */
  private boolean audioGated;

  /**
   * @param outbox    where error events go (stored, so the client gets them after a reconnect too)
   * @param reopen    opens an upstream on resume and hands the connection its replay
   * @param relayLost moves the session off a relay that let it go; completes when it has one again
   * @param sendLocal sends an event to this connection only, unstored
   * @param refuse    answers a control refused on arrival (code, message) as a bad frame is answered: at most
   *                  once a second, so a flood gets no flood of errors back
   */
  ControlPipeline(Vertx vertx, String sessionId, String connectionId, DeliveryOptions busOptions, RelayRoute route,
                  EventOutbox outbox, Reopen reopen, Function<String, Future<Void>> relayLost,
                  Consumer<String> sendLocal, BiConsumer<String, String> refuse) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.connectionId = connectionId;
    this.busOptions = busOptions;
    this.route = route;
    this.outbox = outbox;
    this.reopen = reopen;
    this.relayLost = relayLost;
    this.sendLocal = sendLocal;
    this.refuse = refuse;
  }

  /** The session state the connection starts with sets the gate. */
  void start(SessionSnapshot session) {
    audioGated = session.audioGated();
  }

  /** Whether client audio is dropped here now. */
  boolean audioGated() {
    return audioGated;
  }

  /** Queues a control behind the ones before it. A pause gates audio at once, before it is carried out. */
  void submit(ClientMessage.ControlMessage message) {
    if (queued >= MAX_QUEUED) {
      refuse.accept("rate_limited", "too many controls are waiting; send fewer");
      return;
    }
    if (message.control() == Control.PAUSE) {
      audioGated = true;
    }
    queued++;
    chain = chain.transform(v -> apply(message)).andThen(ar -> queued--);
  }

  private Future<Void> apply(ClientMessage.ControlMessage message) {
    Control control = message.control();
    SessionControlRequest request = new SessionControlRequest(sessionId, control, message.text(), message.seq(),
        connectionId);
    // A numbered control is applied once however often it arrives, so a timed-out one is sent once more.
    Future<Message<SessionControlReply>> sent = message.seq() > 0
        ? BusRequests.requestService(vertx, Addresses.SESSION_CONTROL, request, busOptions)
        : BusRequests.request(vertx, Addresses.SESSION_CONTROL, request, busOptions);
    return sent
        .compose(reply -> {
          SessionSnapshot session = reply.body().session();
          if (session.ended()) {
            route.ended();
          }
          // While the session moves to another relay, the control waits for it rather than miss the upstream.
          Future<Void> moved = route.takeover() == null ? Future.succeededFuture() : route.takeover().otherwiseEmpty().mapEmpty();
          return moved.compose(v -> route.relayNode() != null || control == Control.RESUME
                  ? applyAtRelay(message, session)
                  : applyWithoutUpstream(control, session, reply.body().duplicate()))
              .map(done -> {
                audioGated = session.audioGated();
                return (Void) null;
              });
        })
        .recover(e -> {
          // The gate stays as it is: a failed pause keeps audio back, a failed resume does not release it.
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.SUPERSEDED) {
            // This connection lost the session to a newer one: nothing it sends counts, and it is closing.
            sendLocal.accept(ServerEvents.error("replaced", re.getMessage()));
          } else {
            String error = ServerEvents.error(ControlErrors.code(e), ControlErrors.message(control, e));
            if (!outbox.emit(error)) {
              // Nothing can be stored now: the client still hears of it on this connection.
              sendLocal.accept(error);
            }
          }
          return Future.succeededFuture();
        });
  }

  /** Carries a control out upstream; a resume of a session without an upstream opens one first. */
  private Future<Void> applyAtRelay(ClientMessage.ControlMessage message, SessionSnapshot session) {
    // A move to another relay under way is waited for; only a session with no relay after it reopens one.
    Future<?> ready = route.moveSettled().compose(v -> route.relayNode() != null ? Future.succeededFuture()
        : reopen.apply(session));
    RelayControlRequest apply = new RelayControlRequest(sessionId, message.control(), message.text(), message.seq(),
        session);
    return ready
        .compose(v -> {
          String target = route.relayNode();
          if (target == null) {
            return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay holds the session"));
          }
          return sendToRelay(target, apply, System.currentTimeMillis() + route.openWaitMs());
        })
        .<Void>mapEmpty()
        .recover(e -> message.control() == Control.END
            // The relay could not confirm: still end the interview for the client, as it asked.
            ? applyWithoutUpstream(Control.END, session, false)
            : Future.failedFuture(e));
  }

  /**
   * Sends {@code apply} to relay {@code target}. The relay carries each client seq out once, so sending it again
   * is harmless; what a failure means decides where it goes next. A control still waiting when the session
   * moves off {@code target} (its lease ran out: it acts on nothing now) goes to the relay it moved to at once,
   * not after the bus timeout.
   */
  private Future<Void> sendToRelay(String target, RelayControlRequest apply, long until) {
    Promise<Void> result = Promise.promise();
    BusRequests.request(vertx, route.relayAddress(), apply, busOptions).<Void>mapEmpty()
        .recover(e -> afterFailure(target, apply, until, e))
        .onComplete(ar -> settle(result, ar));
    Polls.until(vertx, () -> result.future().isComplete() || hasMovedOff(target), busOptions.getSendTimeout())
        .compose(v -> route.moveSettled())
        .onSuccess(v -> {
          if (!result.future().isComplete() && hasMovedOff(target) && route.relayNode() != null) {
            retryElsewhere(target, apply, null).onComplete(ar -> settle(result, ar));
          }
        });
    return result.future();
  }

  private Future<Void> afterFailure(String target, RelayControlRequest apply, long until, Throwable e) {
    LOG.warn("[Gateway] {} of {} failed at relay {}: {}", apply.control(), sessionId, target,
        ControlErrors.describe(e));
    if (e instanceof ReplyException re && re.failureCode() == BusFailure.NOT_FOUND) {
      // The relay does not hold the session (it let it go): once another relay holds it, that one carries the
      // control out (it knows from the store whether the first had).
      return relayLost.apply(target).compose(moved -> retryElsewhere(target, apply, e));
    }
    if (e instanceof ReplyException re && re.failureCode() == BusFailure.MOVING) {
      // The relay is stopping and hands the session over: the control goes to the next one.
      return movedOff(target, route.openWaitMs()).compose(moved -> retryElsewhere(target, apply, e));
    }
    if (route.takeover() != null) {
      return route.takeover().compose(moved -> retryElsewhere(target, apply, e));
    }
    if (!target.equals(route.relayNode())) {
      return retryElsewhere(target, apply, e);
    }
    // Neither a timeout nor a relay out of reach moves a session: its lease does (a relay that is paused, or
    // cut off, may still act). Until the wait for an open runs out, a control the relay did not answer is sent
    // to it again, and one it could not be reached for waits for the session to move and goes where it went.
    // A control without a seq fails at once.
    long left = until - System.currentTimeMillis();
    if (apply.clientSeq() > 0 && left > 0) {
      if (isTimeout(e)) {
        return sendToRelay(target, apply, until);
      }
      if (RelayRoute.isNoHandlers(e)) {
        return movedOff(target, left).compose(v -> retryElsewhere(target, apply, e));
      }
    }
    return Future.failedFuture(e);
  }

  private static void settle(Promise<Void> result, AsyncResult<Void> ar) {
    if (ar.succeeded()) {
      result.tryComplete();
    } else {
      result.tryFail(ar.cause());
    }
  }

  private static boolean isTimeout(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }

  private boolean hasMovedOff(String target) {
    return route.takeover() != null || !target.equals(route.relayNode());
  }

  /** Completes once the session is no longer routed to {@code from}, its move finished (or after {@code timeoutMs}). */
  private Future<Void> movedOff(String from, long timeoutMs) {
    return Polls.until(vertx, () -> route.takeover() != null || !from.equals(route.relayNode()), timeoutMs)
        .compose(v -> route.moveSettled());
  }

  /**
   * Sends {@code apply} again to the relay the session moved to from {@code failed}, or fails with {@code e}
   * (null: the session is still at {@code failed}, or at none).
   */
  private Future<Void> retryElsewhere(String failed, RelayControlRequest apply, Throwable e) {
    String now = route.relayNode();
    return now == null || now.equals(failed)
        ? Future.failedFuture(e != null ? e : new ReplyException(ReplyFailure.NO_HANDLERS, "no relay holds the session"))
        : BusRequests.request(vertx, route.relayAddress(), apply, busOptions).mapEmpty();
  }

  /** A session without an upstream (awaiting resume): the state changed; the client is told from here. */
  private Future<Void> applyWithoutUpstream(Control control, SessionSnapshot session, boolean duplicate) {
    if (!duplicate) {
      ServerEvents.afterControl(control, session)
          .ifPresent(event -> outbox.emit(event, control == Control.END ? CloseCode.NORMAL.code() : 0));
    }
    return Future.succeededFuture();
  }
}
