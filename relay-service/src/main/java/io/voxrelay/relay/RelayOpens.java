package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The bookkeeping of a relay's opens: a session's claim, then its upstream, then the gateway's confirmation that
 * its client took it, or an abandon. A second open of one session waits for the first; a session re-attaches
 * where it is held; an upstream no client got closes at once and its claim is given back. Confined to the relay
 * verticle's event loop.
 *
 * @param <S> a session held here
 */
final class RelayOpens<S extends RelayOpens.Held> {

  private static final Logger LOG = LoggerFactory.getLogger(RelayOpens.class);

  /** A session held by this relay, as its opens see it. */
  interface Held {
    String sessionId();

    /** The claim epoch it was opened under. */
    long epoch();

    /** A client is (again) on {@code gatewayNode}; answers the transient events after {@code afterSeq}. */
    TransientRing.Replay attach(String gatewayNode, String connectionId, SessionSnapshot snapshot, long afterSeq);

    /** The transient events after {@code afterSeq}, for the client of a fresh open. */
    TransientRing.Replay transientsAfter(long afterSeq);

    /** A durable event up to {@code seq} is stored: transient events are numbered after it. */
    void durableReleased(long seq);

    /** The client {@code connectionId} left: the detach grace runs. */
    void detach(String connectionId);

    /** No client ever took the upstream: it closes at once, telling no one ({@link SessionLife.Exit#DISCARDED}). */
    void discard();

    /** The client is told the session moved here from another relay ({@code reason}). */
    void announceTakeover(String reason);

    /** Completes once the store took this upstream's close notice (at once if none was sent). */
    Future<Void> closeNoticed();

    /** Runs {@code callback} once the session's upstream closed here. */
    void onClosed(Runnable callback);
  }

  /** Opens a session's upstream under a granted claim. */
  interface Opener<S> {
    Future<S> open(OpenUpstream request, long epoch);
  }

  /** Hears of the sessions opened and closed here. */
  interface Listener<S> {
    /** {@code session} opened here, before the gateway is answered. */
    void opened(S session);

    /** {@code session}'s upstream closed here, and it left the sessions held. */
    void closed(S session);
  }

  /** An upstream being opened here, for one client connection. */
  private record Opening<S>(String connectionId, Future<S> future) {
  }

  private final Vertx vertx;
  private final String nodeId;
  private final long busTimeoutMs;
  private final int maxSessions;
  private final BooleanSupplier mayAct;
  private final BooleanSupplier stopping;
  private final Map<String, S> sessions;
  private final Opener<S> opener;
  private final Listener<S> listener;
  /** Sessions whose upstream is being opened here: a second open for one waits for the first. */
  private final Map<String, Opening<S>> opening = new HashMap<>();
  /**
   * Opens still under way whose gateway gave up ("session/connection"), and whether their client was connected
   * already (then the detach grace runs, else the upstream closes at once); never larger than {@link #opening}.
   */
  private final Map<String, Boolean> abandonedOpens = new HashMap<>();
  /** Upstreams opened here whose gateway has not yet confirmed that its client took them: session → connection. */
  private final Map<String, String> unconfirmed = new HashMap<>();
  /** Close notices of upstreams closed here that the store has not taken yet (each bounded by its retries). */
  private final Map<String, Future<Void>> closeNotices = new HashMap<>();

  /**
   * @param sessions the sessions held here, by id (this class adds those it opens; the caller removes them)
   * @param mayAct   whether the relay's lease lets it act now ({@link RelayLease#mayAct})
   * @param stopping whether the relay is stopping: it opens no new session then
   * @param listener hears of each session opened and closed here
   */
  RelayOpens(Vertx vertx, String nodeId, long busTimeoutMs, int maxSessions, BooleanSupplier mayAct,
             BooleanSupplier stopping, Map<String, S> sessions, Opener<S> opener, Listener<S> listener) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.busTimeoutMs = busTimeoutMs;
    this.maxSessions = maxSessions;
    this.mayAct = mayAct;
    this.stopping = stopping;
    this.sessions = sessions;
    this.opener = opener;
    this.listener = listener;
  }

  /**
   * Opens a session's upstream here, or re-attaches its client if this relay holds it. The relay first claims
   * the session with the session service (only if the relay the gateway saw still holds it), then connects
   * upstream: a session never has two upstreams. A lost claim answers {@link UpstreamHeldElsewhere}.
   */
  void open(Message<?> message, OpenUpstream request) {
    if (!mayAct.getAsBoolean()) {
      message.fail(BusFailure.UNAVAILABLE, "this relay holds no valid lease now (it is checking its claims, or "
          + "cannot reach the session service)");
      return;
    }
    S existing = sessions.get(request.sessionId());
    if (existing == null && stopping.getAsBoolean()) {
      message.fail(BusFailure.MOVING, "this relay is stopping; ask another");
      return;
    }
    if (existing != null) {
      existing.durableReleased(request.storedSeq());
      TransientRing.Replay missed = existing.attach(request.gatewayNode(), request.connectionId(), request.session(),
          request.afterSeq());
      unconfirmed.remove(request.sessionId());
      message.reply(new UpstreamOpened(request.sessionId(), nodeId, missed.events(), missed.lost()));
      return;
    }
    Opening<S> inProgress = opening.get(request.sessionId());
    if (inProgress != null) {
      inProgress.future().onComplete(ar -> open(message, request));
      return;
    }
    Future<Void> closing = closeNotices.get(request.sessionId());
    if (closing != null) {
      // This relay just let the session's upstream go (the client came back as the detach grace ran out): its
      // close notice goes first, so the session awaits resume and this open is refused, not stranded by it.
      closing.onComplete(ar -> open(message, request));
      return;
    }
    if (sessions.size() + opening.size() >= maxSessions) {
      LOG.warn("[Relay] refused to open an upstream for {}: this relay holds its maximum of {} "
          + "(VOXRELAY_RELAY_MAX_SESSIONS)", request.sessionId(), maxSessions);
      message.fail(BusFailure.UNAVAILABLE, "this relay is at capacity");
      return;
    }
    claimAndOpen(message, request);
  }

  private void claimAndOpen(Message<?> message, OpenUpstream request) {
    String sessionId = request.sessionId();
    String key = sessionId + "/" + request.connectionId();
    BindRelay claim = BindRelay.claim(sessionId, nodeId, request.session().relayNode(), request.holderDisowned());
    Future<S> opening = BusRequests.<RelayClaim>request(vertx, Addresses.SESSION_BIND_RELAY, claim, options())
        .compose(reply -> !reply.body().granted() ? Future.failedFuture(new ClaimRefused(reply.body().holder()))
            : opener.open(request, reply.body().epoch())
                .onFailure(e -> giveBack(sessionId, reply.body().epoch())));
    Opening<S> entry = new Opening<>(request.connectionId(), opening);
    this.opening.put(sessionId, entry);
    opening
        .onComplete(ar -> this.opening.remove(sessionId, entry))
        .onSuccess(session -> {
          sessions.put(sessionId, session);
          session.onClosed(() -> closedHere(session));
          listener.opened(session);
          Boolean abandonedDetach = abandonedOpens.remove(key);
          if (abandonedDetach != null) {
            giveUp(session, request.connectionId(), abandonedDetach);
            message.fail(BusFailure.UNAVAILABLE, "abandoned by the gateway");
            return;
          }
          LOG.info("[Relay] upstream opened for {}{}", sessionId, request.failover() ? " (failover)" : "");
          if (request.failover()) {
            session.announceTakeover(request.takeover());
          }
          confirm(message, request, session);
        })
        .onFailure(e -> {
          abandonedOpens.remove(key);
          if (e instanceof ClaimRefused refused) {
            message.reply(new UpstreamHeldElsewhere(sessionId, refused.holder));
          } else {
            LOG.warn("[Relay] could not open upstream for {}: {}", sessionId, e.toString());
            message.fail(BusFailure.UNAVAILABLE, "upstream unavailable");
          }
        });
  }

  /**
   * Answers the gateway, which confirms that its client still waits for this upstream; if it does not (it gave
   * up, or the client left), that client never had the upstream: it closes now, with no detach grace.
   */
  private void confirm(Message<?> message, OpenUpstream request, S session) {
    String sessionId = request.sessionId();
    unconfirmed.put(sessionId, request.connectionId());
    TransientRing.Replay missed = session.transientsAfter(request.afterSeq());
    message.replyAndRequest(new UpstreamOpened(sessionId, nodeId, missed.events(), missed.lost()), options())
        .onSuccess(ack -> unconfirmed.remove(sessionId, request.connectionId()))
        .onFailure(e -> {
          if (unconfirmed.remove(sessionId, request.connectionId())) {
            discard(session, "its gateway did not take it (" + e.getMessage() + ")");
          }
        });
  }

  /** The session's upstream closed here: it leaves the sessions held, and its close notice is waited for. */
  private void closedHere(S session) {
    String sessionId = session.sessionId();
    sessions.remove(sessionId, session);
    Future<Void> notice = session.closeNoticed();
    if (!notice.isComplete()) {
      closeNotices.put(sessionId, notice);
      notice.onComplete(ar -> closeNotices.remove(sessionId, notice));
    }
    listener.closed(session);
  }

  /**
   * A gateway gave up waiting for an open: that upstream closes at once (or as soon as it opens) if its client
   * never got {@code connected}; otherwise its detach grace runs.
   */
  void abandoned(OpenAbandoned abandoned) {
    String sessionId = abandoned.sessionId();
    Opening<S> inProgress = opening.get(sessionId);
    if (inProgress != null && inProgress.connectionId().equals(abandoned.connectionId())) {
      abandonedOpens.put(sessionId + "/" + abandoned.connectionId(), abandoned.detach());
    } else if (abandoned.connectionId().equals(unconfirmed.get(sessionId))) {
      unconfirmed.remove(sessionId);
      S session = sessions.get(sessionId);
      if (session != null) {
        giveUp(session, abandoned.connectionId(), abandoned.detach());
      }
    }
  }

  /** The gateway gave up on {@code connectionId}'s open: detach it (a connected client) or discard. */
  private void giveUp(S session, String connectionId, boolean detach) {
    if (detach) {
      session.detach(connectionId);
    } else {
      discard(session, "its gateway gave up waiting for it");
    }
  }

  /**
   * Closes an upstream no client ever had, at once, and gives the claim back: the session does not await a
   * resume, and its next connection opens a new upstream.
   */
  private void discard(S session, String why) {
    LOG.info("[Relay] closing the upstream of {} at once: {}", session.sessionId(), why);
    session.discard();
    giveBack(session.sessionId(), session.epoch());
  }

  /** Gives a claim back, retried until the session service has it; ignored there if the session moved on. */
  private void giveBack(String sessionId, long epoch) {
    DurableRequests.request(vertx, Addresses.SESSION_BIND_RELAY, BindRelay.giveBack(sessionId, nodeId, epoch),
            DurableRequests.Policy.standard(busTimeoutMs))
        .onFailure(e -> LOG.warn("[Relay] giving back the claim of {} failed: {}", sessionId, e.getMessage()));
  }

  private DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  /** Another relay holds the session (or none does, after a give-back): this one must not open it. */
  private static final class ClaimRefused extends RuntimeException {
    private final String holder;

    ClaimRefused(String holder) {
      super("the session is held by " + holder, null, false, false);
      this.holder = holder;
    }
  }
}
