package io.voxrelay.gateway;

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
 * One connection's controls: carried out one after another in the order the client sent them, each where it must
 * be: at the relay holding the session, which stores it with its event and the client cursor in one transaction
 * and carries each client seq out once, or, for a session no relay holds, at the session service (a resume then
 * opens a relay, which carries it out). A control that fails becomes
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
  private final ControlsAtRelay atRelay;
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
    this.atRelay = new ControlsAtRelay(vertx, sessionId, busOptions, route, this::failed);
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
    // While the session moves to another relay, the control waits for it rather than miss the upstream.
    return route.moveSettled()
        .compose(v -> route.relayNode() != null ? applyAtRelay(message) : applyWithoutRelay(message))
        .<Void>map(reply -> {
          if (reply.session().ended()) {
            route.ended();
          }
          audioGated = reply.session().audioGated();
          return null;
        })
        .recover(e -> {
          // The gate stays as it is: a failed pause keeps audio back, a failed resume does not release it.
          failed(control, e);
          return Future.succeededFuture();
        });
  }

  /** The client hears that {@code control} failed, with a code it can act on. */
  private void failed(Control control, Throwable e) {
    if (BusFailure.is(e, BusFailure.SUPERSEDED)) {
      // This connection lost the session to a newer one: nothing it sends counts, and it is closing.
      sendLocal.accept(ServerEvents.error("replaced", e.getMessage()));
      return;
    }
    String error = ServerEvents.error(ControlErrors.code(e), ControlErrors.message(control, e));
    if (!outbox.emit(error)) {
      // Nothing can be stored now: the client still hears of it on this connection.
      sendLocal.accept(error);
    }
  }

  /**
   * The session moved to another relay while this client stayed: the typed turns the last one accepted and the
   * store never got go to the new one now, ahead of any control the client sends next.
   */
  void sessionMoved() {
    if (!atRelay.holdsAcceptedTexts()) {
      return;
    }
    chain = chain.transform(v -> atRelay.resendAcceptedElsewhere()
        .onFailure(e -> LOG.warn("[Gateway] typed turns of {} not sent again yet: {}", sessionId,
            ControlErrors.describe(e)))
        .otherwiseEmpty());
  }

  /**
   * The relay holding the session carries the control out and stores it, its event and the client cursor in
   * one transaction (a typed turn is stored as it enters the conversation).
   */
  private Future<SessionControlReply> applyAtRelay(ClientMessage.ControlMessage message) {
    RelayControlRequest request = new RelayControlRequest(sessionId, message.control(), message.text(),
        message.seq(), connectionId);
    String target = route.relayNode();
    if (target == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay holds the session"));
    }
    return sendToRelay(target, request, System.currentTimeMillis() + route.openWaitMs())
        .recover(e -> message.control() == Control.END && !ControlErrors.isRefusal(e)
            // The relay could not confirm: the session service ends the interview, as the client asked.
            ? applyWithoutRelay(message)
            : Future.failedFuture(e));
  }

  /**
   * A session no relay holds: the session service applies the control to its state, and the client is told from
   * here. A resume opens a relay, which then carries it out as any control.
   */
  private Future<SessionControlReply> applyWithoutRelay(ClientMessage.ControlMessage message) {
    Control control = message.control();
    SessionControlRequest request = new SessionControlRequest(sessionId, control, message.text(), message.seq(),
        connectionId);
    // A numbered control is applied once however often it arrives, so a timed-out one is sent once more.
    Future<Message<SessionControlReply>> sent = message.seq() > 0
        ? BusRequests.requestService(vertx, Addresses.SESSION_CONTROL, request, busOptions)
        : BusRequests.request(vertx, Addresses.SESSION_CONTROL, request, busOptions);
    return sent.compose(answer -> {
      SessionControlReply reply = answer.body();
      if (control == Control.RESUME && !reply.session().ended()) {
        return reopen.apply(reply.session()).compose(opened -> applyAtRelay(message));
      }
      if (!reply.duplicate()) {
        ServerEvents.afterControl(control, reply.session())
            .ifPresent(event -> outbox.emit(event, control == Control.END ? CloseCode.NORMAL.code() : 0));
      }
      return Future.succeededFuture(reply);
    });
  }

  /**
   * Sends {@code apply} to relay {@code target}. The relay carries each client seq out once, so sending it again
   * is harmless; what a failure means decides where it goes next. A control still waiting when the session
   * moves off {@code target} (its lease ran out: it acts on nothing now) goes to the relay it moved to at once,
   * not after the bus timeout.
   */
  private Future<SessionControlReply> sendToRelay(String target, RelayControlRequest apply, long until) {
    Promise<SessionControlReply> result = Promise.promise();
    atRelay.request(apply)
        .recover(e -> afterFailure(target, apply, until, e))
        .onComplete(ar -> settle(result, ar));
    route.movedOff(target, busOptions.getSendTimeout(), result.future())
        .onSuccess(v -> {
          if (!result.future().isComplete() && route.isOff(target) && route.relayNode() != null) {
            retryElsewhere(target, apply, null).onComplete(ar -> settle(result, ar));
          }
        });
    return result.future();
  }

  private Future<SessionControlReply> afterFailure(String target, RelayControlRequest apply, long until,
                                                   Throwable e) {
    if (ControlErrors.isRefusal(e)) {
      return Future.failedFuture(e);
    }
    LOG.warn("[Gateway] {} of {} failed at relay {}: {}", apply.control(), sessionId, target,
        ControlErrors.describe(e));
    if (BusFailure.is(e, BusFailure.NOT_FOUND)) {
      // The relay does not hold the session (it let it go): once another relay holds it, that one carries the
      // control out (it knows from the store whether the first had).
      return relayLost.apply(target).compose(moved -> retryElsewhere(target, apply, e));
    }
    if (BusFailure.is(e, BusFailure.MOVING)) {
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

  private static void settle(Promise<SessionControlReply> result, AsyncResult<SessionControlReply> ar) {
    if (ar.succeeded()) {
      result.tryComplete(ar.result());
    } else {
      result.tryFail(ar.cause());
    }
  }

  private static boolean isTimeout(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }

  /** Completes once the session is no longer routed to {@code from}, its move finished (or after {@code timeoutMs}). */
  private Future<Void> movedOff(String from, long timeoutMs) {
    return route.movedOff(from, timeoutMs, null);
  }

  /**
   * Sends {@code apply} again to the relay the session moved to from {@code failed}, or fails with {@code e}
   * (null: the session is still at {@code failed}, or at none).
   */
  private Future<SessionControlReply> retryElsewhere(String failed, RelayControlRequest apply, Throwable e) {
    String now = route.relayNode();
    return now == null || now.equals(failed)
        ? Future.failedFuture(e != null ? e : new ReplyException(ReplyFailure.NO_HANDLERS, "no relay holds the session"))
        : atRelay.request(apply);
  }
}
