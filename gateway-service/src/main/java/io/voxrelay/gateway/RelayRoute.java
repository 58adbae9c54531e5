package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.DurableReleased;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.config.RelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Which relay instance holds one connection's session, and how to reach it: re-attach to the relay already
 * holding it, open it at a live relay, join the relay that won a race for it, and move it to another relay when
 * its relay lost its lease or let it go (takeover). Confined to the gateway verticle's event loop.
 */
final class RelayRoute {

  private static final Logger LOG = LoggerFactory.getLogger(RelayRoute.class);
  /** How many live relays an open asks in turn while the ones it reaches are stopping or gone. */
  private static final int RELAY_ATTEMPTS = 4;
  private static final long STOPPING_RELAY_RETRY_MS = 100;

  private final Vertx vertx;
  private final String sessionId;
  private final String gatewayNode;
  private final String connectionId;
  private final DeliveryOptions busOptions;
  /** For an open: long enough for the relay's own path (its claim and the upstream's connect). */
  private final DeliveryOptions openOptions;
  /** Whether the client still waits for an upstream (false once it left). */
  private final BooleanSupplier clientWaiting;
  private final LiveRelayView relays;
  private String relayNode;
  /** When the session was routed to {@link #relayNode} (monotonic ms). */
  private long routedAt;
  /** The node address of {@link #relayNode}, built once rather than per audio frame. */
  private String relayAddress;
  /** Whether the client got {@code connected}: a give-up after that detaches rather than discards. */
  private boolean clientConnected;
  /** A move of this session to another relay, while one is under way. */
  private Future<UpstreamOpened> takeover;
  /**
   * Who waits for the session to move off a relay ({@link #movedOff}). Bounded: a connection's controls run one
   * at a time, and each wait ends at its timeout, at the move, or when its control is answered.
   */
  private final List<MoveWait> moveWaits = new ArrayList<>();

  private record MoveWait(String from, Promise<Void> moved, long timer) {
  }
  /** The interview ended (the session service applied {@code end_interview}): its relay letting it go is expected. */
  private boolean ended;

  /**
   * @param openWaitMs how long to wait for a relay to open (or re-attach) the upstream: at least the relay's own
   *                   path, its claim and the upstream's connect ({@link RelayConfig#gatewayOpenWaitMs})
   * @param relays     where a session no relay holds is opened, and whether its relay's lease holds
   */
  RelayRoute(Vertx vertx, String sessionId, String gatewayNode, String connectionId, DeliveryOptions busOptions,
             long openWaitMs, LiveRelayView relays, BooleanSupplier clientWaiting) {
    this.relays = relays;
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.gatewayNode = gatewayNode;
    this.connectionId = connectionId;
    this.busOptions = busOptions;
    this.openOptions = new DeliveryOptions(busOptions).setSendTimeout(openWaitMs);
    this.clientWaiting = clientWaiting;
  }

  /** How long an open (or a move to another relay) may take. */
  long openWaitMs() {
    return openOptions.getSendTimeout();
  }

  /** The client got {@code connected}: from now on, an open given up leaves the relay's detach grace to run. */
  void clientConnected() {
    clientConnected = true;
  }

  /** The relay instance holding this session's upstream, or null when none does. */
  String relayNode() {
    return relayNode;
  }

  /** The bus address of {@link #relayNode()}, or null. */
  String relayAddress() {
    return relayAddress;
  }

  /** Completes once no move of this session to another relay is under way (at once when none is); never fails. */
  Future<Void> moveSettled() {
    return takeover == null ? Future.succeededFuture() : takeover.transform(ar -> Future.succeededFuture());
  }

  /** Whether the session is no longer routed to relay {@code from}: a move is under way, or it is elsewhere. */
  boolean isOff(String from) {
    return takeover != null || !from.equals(relayNode);
  }

  /**
   * Completes once the session is no longer routed to {@code from} and its move has settled, or after
   * {@code timeoutMs}, or once {@code unless} (when given) completes: whichever comes first. Never fails; a
   * caller that must know asks {@link #isOff} again. It waits on the route's own changes, not on a timer.
   */
  Future<Void> movedOff(String from, long timeoutMs, Future<?> unless) {
    if (isOff(from)) {
      return moveSettled();
    }
    Promise<Void> moved = Promise.promise();
    MoveWait[] wait = new MoveWait[1];
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> release(wait[0]));
    wait[0] = new MoveWait(from, moved, timer);
    moveWaits.add(wait[0]);
    if (unless != null) {
      unless.onComplete(ar -> release(wait[0]));
    }
    return moved.future().compose(v -> moveSettled());
  }

  private void release(MoveWait wait) {
    if (moveWaits.remove(wait)) {
      vertx.cancelTimer(wait.timer());
      wait.moved().complete();
    }
  }

  /** The route changed: each wait whose relay the session has left ends. */
  private void routeChanged() {
    for (MoveWait wait : List.copyOf(moveWaits)) {
      if (isOff(wait.from())) {
        release(wait);
      }
    }
  }

  /** The session service ended the interview: from now on the session is moved to no other relay. */
  void ended() {
    ended = true;
  }

  /** Whether the interview ended: a relay that no longer holds the session is not a relay lost. */
  boolean isEnded() {
    return ended;
  }

  /** A takeover under way, or null: what waits for the session to have a relay again. */
  Future<UpstreamOpened> takeover() {
    return takeover;
  }

  /** The session's upstream is at relay instance {@code opened.relayNode()} now (null opened: at none). */
  void use(UpstreamOpened opened) {
    routeTo(opened);
    routeChanged();
  }

  private void routeTo(UpstreamOpened opened) {
    relayNode = opened == null ? null : opened.relayNode();
    relayAddress = relayNode == null ? null : Addresses.relayNode(relayNode);
    routedAt = relays.now();
  }

  /**
   * Re-attaches to the relay already holding the session, or opens it at a live relay. If this gateway gives up
   * waiting, the relays are told, so an upstream this client never got does not stay open.
   *
   * @param afterSeq  the client has every event up to it
   * @param storedSeq the latest durable seq stored
   */
  Future<UpstreamOpened> open(SessionSnapshot session, String takeover, long afterSeq, long storedSeq) {
    OpenUpstream open = new OpenUpstream(sessionId, gatewayNode, connectionId, session, takeover, afterSeq,
        storedSeq, takeover != null);
    String bound = takeover != null ? null : session.relayNode();
    Future<UpstreamOpened> attempt = bound == null
        ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay bound"))
        : request(Addresses.relayNode(bound), open);
    return attempt
        .recover(e -> isRelayGone(e) ? openAtLiveRelay(relayGone(open, e), new HashSet<>()) : Future.failedFuture(e))
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            // Gave up waiting: an upstream opened for a client never connected closes at once; otherwise, and
            // for a relay that re-attached this connection late, the detach grace runs.
            vertx.eventBus().publish(Addresses.RELAY_OPEN_ABANDONED, new OpenAbandoned(sessionId, connectionId,
                clientConnected));
            if (bound != null) {
              vertx.eventBus().send(Addresses.relayNode(bound), new ClientDetached(sessionId, gatewayNode,
                  connectionId));
            }
          }
        });
  }

  /**
   * Opens the session at a relay picked from the live ones. One that is stopping refuses
   * ({@link BusFailure#MOVING}), and one that left since the last answer has no handler: the next is asked, up
   * to {@link #RELAY_ATTEMPTS} relays in all.
   */
  private Future<UpstreamOpened> openAtLiveRelay(OpenUpstream open, Set<String> tried) {
    return relays.pick(tried).compose(node -> {
      tried.add(node);
      return request(Addresses.relayNode(node), open).recover(e -> {
        boolean stopping = BusFailure.is(e, BusFailure.MOVING);
        if (tried.size() >= RELAY_ATTEMPTS || !stopping && !isNoHandlers(e)) {
          return Future.failedFuture(e);
        }
        Promise<UpstreamOpened> next = Promise.promise();
        vertx.setTimer(stopping ? STOPPING_RELAY_RETRY_MS : 1, t -> openAtLiveRelay(open, tried).onComplete(next));
        return next.future();
      });
    });
  }

  /**
   * Asks one relay to open or re-attach; if another relay won the session
   * (a racing connection), joins it there. One hop only: a session that moves again meanwhile is unavailable
   * for now, and the client retries.
   */
  private Future<UpstreamOpened> request(String address, OpenUpstream open) {
    return request(address, open, true);
  }

  private Future<UpstreamOpened> request(String address, OpenUpstream open, boolean mayJoin) {
    return BusRequests.request(vertx, address, open, openOptions).compose(reply -> {
      if (reply.body() instanceof UpstreamHeldElsewhere held) {
        return held.relayNode() == null || !mayJoin
            ? Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.UNAVAILABLE,
                "the session moved between relays meanwhile"))
            : request(Addresses.relayNode(held.relayNode()), open, false);
      }
      return Future.succeededFuture(take(reply));
    });
  }

  /**
   * A relay's answer to an open. For an upstream it just opened, the relay asks whether this client still
   * waits for it: yes unless the client left meanwhile, in which case the relay closes it at once.
   */
  private UpstreamOpened take(Message<Object> reply) {
    if (reply.replyAddress() != null) {
      if (clientWaiting.getAsBoolean()) {
        reply.reply(null);
      } else {
        reply.fail(BusFailure.GONE, "the client left before it was connected");
      }
    }
    return (UpstreamOpened) reply.body();
  }

  /** The bound relay did not answer: it is gone, and the transient events it held with it. */
  private static OpenUpstream relayGone(OpenUpstream open, Throwable e) {
    return BusFailure.is(e, BusFailure.NOT_FOUND) ? open : open.afterRelayLost();
  }

  /**
   * Whether a failed open at a relay sends it to another: no instance has the relay's address (it left the
   * cluster), or the relay answered that it does not hold the session. The other relay's claim decides: it is
   * refused while the first relay's lease holds. A timeout is not enough: a relay that is slow (a GC pause, a
   * stall) still holds its upstream. The caller gives up for now and the client retries.
   */
  static boolean isRelayGone(Throwable e) {
    return isNoHandlers(e) || BusFailure.is(e, BusFailure.NOT_FOUND);
  }

  static boolean isNoHandlers(Throwable e) {
    return e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  /**
   * Whether the relay this session is routed to lost its lease since the route was taken, in the live relays'
   * latest answer: it acts on nothing now, and another relay may claim the session.
   */
  boolean relayLeaseLost() {
    return relayNode != null && relays.gone(relayNode, routedAt);
  }

  /**
   * The relay holding this session lost its lease, or said it does not hold it: another one takes the session over, with the
   * conversation restored from the store. Completes with the new relay's answer (null when the session
   * awaits resume and needs none); a takeover under way is joined, and a relay this route does not use is
   * ignored (completes with null at once).
   */
  Future<UpstreamOpened> relayLost(String lostNode, long lastDelivered) {
    return moveOff(lostNode, lastDelivered, OpenUpstream.RELAY_FAILOVER);
  }

  /**
   * Moves the session off relay {@code fromNode} ({@code reason}: {@link OpenUpstream#RELAY_FAILOVER} when it is
   * gone, {@link OpenUpstream#RELAY_HANDOFF} when it is stopping and hands its sessions over), as
   * {@link #relayLost} describes.
   */
  Future<UpstreamOpened> moveOff(String fromNode, long lastDelivered, String reason) {
    if (takeover != null) {
      return takeover;
    }
    if (!fromNode.equals(relayNode)) {
      return Future.succeededFuture();
    }
    // From now on nothing from the old relay reaches the client (see ClientConnection#deliver). Who waits for
    // the move hears of it once the takeover is set, below, so it waits for the takeover to settle.
    routeTo(null);
    LOG.warn("[Gateway] moving {} off relay {} ({})", sessionId, fromNode, reason);
    takeover = BusRequests.<SessionSnapshot>requestService(vertx, Addresses.SESSION_GET, new GetSession(sessionId),
            busOptions)
        .compose(reply -> reply.body().awaitingResume() ? Future.succeededFuture((UpstreamOpened) null)
            : open(reply.body(), reason, lastDelivered, lastDelivered))
        .andThen(ar -> {
          takeover = null;
          if (ar.succeeded()) {
            use(ar.result());
          }
        });
    routeChanged();
    return takeover;
  }

  /** The relay numbered transient events before a durable event this client has: it hears of that event. */
  void relayBehind(long lastDurable) {
    if (relayNode != null && lastDurable > 0) {
      vertx.eventBus().send(relayAddress, new DurableReleased(sessionId, lastDurable));
    }
  }

  /** The client left: the relay starts its detach grace. */
  void detach() {
    if (relayNode != null) {
      vertx.eventBus().send(relayAddress, new ClientDetached(sessionId, gatewayNode, connectionId));
    }
  }
}
