package io.voxrelay.gateway;

import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.protocol.CloseCode;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One connected client's session changing relays: moved off a relay that lost its lease, let it go or is
 * stopping, and opened again on a resume; the client gets what the new relay replays, or is told to reconnect
 * when the session now awaits resume. Confined to the gateway verticle's event loop.
 */
final class SessionMoves {

  private static final Logger LOG = LoggerFactory.getLogger(SessionMoves.class);

  private final String sessionId;
  private final RelayRoute route;
  private final ClientDelivery delivery;
  private final BooleanSupplier connected;
  private final Consumer<CloseCode> close;
  private final Runnable moved;

  /**
   * @param connected whether the client is connected (got {@code connected} and is still there)
   * @param close     closes the client's socket with a code
   * @param moved     a connected client's session moved to another relay (its controls follow it there)
   */
  SessionMoves(String sessionId, RelayRoute route, ClientDelivery delivery, BooleanSupplier connected,
               Consumer<CloseCode> close, Runnable moved) {
    this.sessionId = sessionId;
    this.route = route;
    this.delivery = delivery;
    this.connected = connected;
    this.close = close;
    this.moved = moved;
  }

  /** A resume of a session without an upstream: one opens, and the client gets what its relay replays. */
  Future<UpstreamOpened> reopen(SessionSnapshot session) {
    long at = delivery.lastDelivered();
    return route.open(session, null, at, at).map(opened -> {
      tookUpstream(opened);
      LOG.info("[Gateway] upstream of {} reopened on resume", sessionId);
      return opened;
    });
  }

  /**
   * The relay holding this session lost its lease, or said it does not hold it: another one takes the session
   * over, with the conversation restored from the store. Completes when the session has a relay again.
   */
  Future<Void> relayLost(String lostNode) {
    return moveOff(lostNode, OpenUpstream.RELAY_FAILOVER);
  }

  /**
   * The relay holding this session is stopping and hands it over: another one takes the session over, as from
   * a relay that is gone. Completes when the session has a relay again (or awaits resume).
   */
  Future<Void> relayLeaving(String leavingNode) {
    return moveOff(leavingNode, OpenUpstream.RELAY_HANDOFF);
  }

  private Future<Void> moveOff(String fromNode, String reason) {
    if (route.isEnded()) {
      // The relay closed the upstream for end_interview: interview.ended and the close come from it as usual.
      return Future.succeededFuture();
    }
    if (route.takeover() != null) {
      return route.takeover().mapEmpty();
    }
    if (!connected.getAsBoolean() || !fromNode.equals(route.relayNode())) {
      return Future.succeededFuture();
    }
    return route.moveOff(fromNode, delivery.lastDelivered(), reason)
        .andThen(ar -> {
          if (ar.succeeded() && ar.result() == null && connected.getAsBoolean()) {
            // The relay let the upstream go and the session awaits resume: the client reconnects, and its
            // `connected` says so (awaitingResume), rather than talking to no upstream.
            LOG.info("[Gateway] the upstream of {} was let go; the client reconnects to resume", sessionId);
            route.use(null);
            close.accept(CloseCode.SERVICE_RESTART);
          } else if (ar.succeeded()) {
            tookUpstream(ar.result());
            if (connected.getAsBoolean()) {
              moved.run();
            }
          } else {
            LOG.warn("[Gateway] takeover of {} failed: {}", sessionId, ar.cause().toString());
            close.accept(CloseCode.TRY_AGAIN_LATER);
          }
        })
        .mapEmpty();
  }

  /** A relay holds this connected client's session now (after a takeover or a resume). */
  private void tookUpstream(UpstreamOpened opened) {
    route.use(opened);
    if (opened != null && connected.getAsBoolean()) {
      delivery.deliverTransients(opened.transients(), opened.transientsLost());
    }
  }
}
