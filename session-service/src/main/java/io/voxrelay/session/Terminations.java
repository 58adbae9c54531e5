package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.TerminatedSession;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The watchdog's termination orders, carried out: each session ends exactly once across the cluster (the
 * claim is an optimistic update that only succeeds on a live session, and it persists the state before anyone
 * is told); then the client gets {@code session.terminated} ({@link ClientNotices}) with close 4000, and the
 * relay closes the upstream.
 */
final class Terminations {

  private static final Logger LOG = LoggerFactory.getLogger(Terminations.class);

  private final Vertx vertx;
  private final SessionStore store;
  private final ClientNotices notices;
  private final Clock clock;

  Terminations(Vertx vertx, SessionStore store, ClientNotices notices, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.notices = notices;
    this.clock = clock;
  }

  /** Carries out {@code orders}; completes with the sessions this call ended (others had ended already). */
  Future<List<TerminatedSession>> terminate(List<Termination> orders) {
    long now = clock.millis();
    List<Future<TerminatedSession>> claims = new ArrayList<>();
    for (Termination order : orders) {
      String[] nodes = new String[2];
      claims.add(store.sessions().update(order.sessionId(), s -> {
            if (s.ended() || s.awaitingResume()) {
              throw new AlreadyTerminated();
            }
            nodes[0] = s.gatewayNode();
            nodes[1] = s.relayNode();
            SessionRecord.Builder terminated = s.toBuilder().awaitingResume(true)
                .terminationReason(order.reason().code()).relayNode(null);
            // No heartbeat for that long: the client is gone (its gateway may have died without a word).
            return order.reason() == TerminationReason.HEARTBEAT_TIMEOUT
                ? terminated.connectionId(null).gatewayNode(null).build() : terminated.build();
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

  private void notifyTermination(String sessionId, TerminationReason reason, String gatewayNode, String relayNode,
                                 long version) {
    notices.send(sessionId, "terminated-" + version, ServerEvents.sessionTerminated(reason),
        CloseCode.SESSION_TERMINATED, gatewayNode);
    if (relayNode != null) {
      vertx.eventBus().send(Addresses.relayNode(relayNode), new TerminateUpstream(sessionId));
    }
    LOG.info("[VoiceInterview] Session cleaned up: {} (reason: {})", sessionId, reason);
  }

  /** The session was ended or terminated already: this order has nothing to do. */
  private static final class AlreadyTerminated extends RuntimeException {
    AlreadyTerminated() {
      super("already terminated", null, false, false);
    }
  }
}
