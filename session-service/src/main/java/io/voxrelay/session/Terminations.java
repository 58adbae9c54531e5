package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.TerminatedSession;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The watchdog's termination orders, carried out: each session ends exactly once across the cluster (the
 * claim is an optimistic update that only succeeds on a live session, and it persists the state before anyone
 * is told); then the client gets {@code session.terminated}, stored first like any event, with close 4000,
 * and the relay closes the upstream.
 */
final class Terminations {

  private static final Logger LOG = LoggerFactory.getLogger(Terminations.class);

  /** Attempts at storing a termination notice: with their backoff, about 20 s of a store that fails. */
  private static final int NOTICE_ATTEMPTS = 8;

  private final Vertx vertx;
  private final SessionStore store;
  /** How long a gateway has to hand the notice to its client: a local write, far under any bus timeout. */
  private static final long DELIVERY_TIMEOUT_MS = 5_000;

  private final Clock clock;

  Terminations(Vertx vertx, SessionStore store, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
  }

  /** Carries out {@code orders}; completes with the sessions this call ended (others had ended already). */
  Future<List<TerminatedSession>> terminate(List<Termination> orders) {
    long now = clock.millis();
    List<Future<TerminatedSession>> claims = new ArrayList<>();
    for (Termination order : orders) {
      String[] nodes = new String[2];
      claims.add(store.update(order.sessionId(), s -> {
            if (s.ended() || s.awaitingResume()) {
              throw new AlreadyTerminated();
            }
            nodes[0] = s.gatewayNode();
            nodes[1] = s.relayNode();
            return s.toBuilder().awaitingResume(true).terminationReason(order.reason().code()).relayNode(null).build();
          })
          .map(s -> {
            SessionMetrics.of(vertx).terminated(order.reason());
            notifyTermination(s.sessionId(), order.reason(), nodes[0], nodes[1], s.version());
            return new TerminatedSession(s.sessionId(), order.reason(), now - s.startedAt(),
                s.currentQuestionIndex(), s.questions().size());
          })
          .otherwise(e -> {
            if (!(e instanceof AlreadyTerminated)) {
              LOG.warn("[SessionService] terminating {} failed: {}", order.sessionId(), e.toString());
            }
            return null;
          }));
    }
    return Future.all(claims).transform(done -> Future.succeededFuture(
        claims.stream().map(Future::result).filter(Objects::nonNull).toList()));
  }

  /**
   * The termination notice is an event like any other: numbered and stored first, so it is never missed. The
   * store is retried until it takes the notice (under one idempotency key, so it is stored once), then the
   * client's gateway until it has delivered it or answers that the client is gone (a client away gets it
   * by replay when it comes back).
   */
  private void notifyTermination(String sessionId, TerminationReason reason, String gatewayNode, String relayNode,
                                 long version) {
    String key = "terminated-" + version;
    storeNotice(sessionId, key, reason, 1)
        .compose(stored -> gatewayNode == null ? Future.succeededFuture()
            : DurableRequests.request(vertx, Addresses.gatewayNode(gatewayNode),
                ToClient.numbered(sessionId, stored.get(0), CloseCode.SESSION_TERMINATED.code()),
                DurableRequests.Policy.standard(DELIVERY_TIMEOUT_MS)))
        .onFailure(e -> {
          if (e instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
              || re.failureCode() == BusFailure.NOT_FOUND)) {
            LOG.info("[SessionService] the client of {} is gone; it gets the termination notice when it returns",
                sessionId);
          } else {
            LOG.warn("[SessionService] termination notice of {} not delivered: {}", sessionId, e.toString());
          }
        });
    if (relayNode != null) {
      vertx.eventBus().send(Addresses.relayNode(relayNode), new TerminateUpstream(sessionId));
    }
    LOG.info("[VoiceInterview] Session cleaned up: {} (reason: {})", sessionId, reason);
  }

  /** Stores the notice, retrying with backoff ({@link #NOTICE_ATTEMPTS} attempts in all). */
  private Future<List<NumberedEvent>> storeNotice(String sessionId, String key, TerminationReason reason, int attempt) {
    return store.appendEvents(sessionId, key, 0, List.of(ServerEvents.sessionTerminated(reason)), List.of(), 0,
            clock.millis())
        .recover(e -> {
          if (attempt >= NOTICE_ATTEMPTS) {
            return Future.failedFuture(e);
          }
          LOG.warn("[SessionService] storing the termination notice of {} failed ({}); retrying", sessionId,
              e.toString());
          Promise<List<NumberedEvent>> retried = Promise.promise();
          vertx.setTimer(Math.min(5_000, 100L << attempt),
              t -> storeNotice(sessionId, key, reason, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }

  /** The session was ended or terminated already: this order has nothing to do. */
  private static final class AlreadyTerminated extends RuntimeException {
    AlreadyTerminated() {
      super("already terminated", null, false, false);
    }
  }
}
