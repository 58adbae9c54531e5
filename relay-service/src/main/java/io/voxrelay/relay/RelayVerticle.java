package io.voxrelay.relay;

import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.ClientHeartbeats;
import io.voxrelay.common.bus.NotHeld;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.DurableReleased;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.UsageBatch;
import io.voxrelay.common.bus.PlaybackTruncated;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.common.bus.UsageReport;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.RelayCommand;
import io.voxrelay.common.bus.RelayLeaving;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.cluster.NodeIds;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The relay service: holds one upstream realtime connection per live session. Everything for a session arrives
 * on this instance's node address: an open of a new session from a gateway that picked this relay among the live
 * ones (its lease valid), and everything else for the sessions it holds.
 */
public final class RelayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);
  private static final long ACTIVITY_REPORT_MS = 1_000;
  /** How often the sessions' usage goes to the store: what a crash of this relay can leave uncounted. */
  static final long USAGE_REPORT_MS = 5_000;
  /** Closed sessions whose last usage waits for the store, at most (a long outage of the session service). */
  private static final int MAX_FINISHING = 10_000;

  private final RelayConfig config;
  private final HygieneConfig hygiene;
  private final String nodeId = NodeIds.next("relay");
  private final ActivityAccumulator activity = new ActivityAccumulator();
  // Changed only on the event loop; concurrent so that metrics and tests may read it from elsewhere.
  private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
  /** An upstream being opened here, for one client connection. */
  private record Opening(String connectionId, Future<RelaySession> future) {
  }

  /** Sessions whose upstream is being opened here: a second open for one waits for the first. */
  private final Map<String, Opening> opening = new HashMap<>();
  /**
   * Opens still under way whose gateway gave up ("session/connection"), and whether their client was
   * connected already (then the detach grace runs, else the upstream closes at once); never larger than
   * {@link #opening}.
   */
  private final Map<String, Boolean> abandonedOpens = new HashMap<>();
  /** Upstreams opened here whose gateway has not yet confirmed that its client took them: session → connection. */
  private final Map<String, String> unconfirmed = new HashMap<>();
  /** Close notices of upstreams closed here that the session service has not taken yet (each bounded by its retries). */
  private final Map<String, Future<Void>> closeNotices = new HashMap<>();
  /** The usage of sessions closed here that the store does not have in full yet. */
  private final List<UsageMeter> finishing = new ArrayList<>();
  /** Whether a usage report is on its way: one at a time. */
  private boolean reportingUsage;
  /** A report of sessions with limits is due shortly. */
  private boolean usageSoon;
  /** A report was asked for while one was on its way: another follows it. */
  private boolean usageAgain;
  /** How soon the usage of a session with limits goes after a response: responses in a burst share a report. */
  static final long USAGE_SOON_MS = 100;
  /** Bus timeouts a session past its budget waits for the session service to end it before the relay does. */
  static final int BUDGET_BACKSTOP_TIMEOUTS = 3;
  private static final String NO_LEASE = "this relay holds no valid lease now (it is checking its claims, or cannot "
      + "reach the session service)";
  private UpstreamConnector connector;
  private RelayLease lease;
  private boolean stopping;
  private RelayGuard guard;
  private final ToolConfig toolConfig;
  private ToolEndpoint tools;

  public RelayVerticle() {
    this(RelayConfig.fromEnv(Env.system()), HygieneConfig.fromEnv(Env.system()), ToolConfig.fromEnv(Env.system()));
  }

  public RelayVerticle(RelayConfig config, HygieneConfig hygiene) {
    this(config, hygiene, ToolConfig.off());
  }

  /** @param tools where the sessions' function tools are carried out */
  public RelayVerticle(RelayConfig config, HygieneConfig hygiene, ToolConfig tools) {
    this.config = config;
    this.hygiene = hygiene;
    this.toolConfig = tools;
  }

  /**
   * Makes the relay instances of one process: each holds its own sessions, with its share of
   * {@code VOXRELAY_RELAY_MAX_SESSIONS}, and they share nothing.
   */
  public static Supplier<RelayVerticle> instances(RelayConfig config, HygieneConfig hygiene, ToolConfig tools,
                                                  int instances) {
    RelayConfig share = config.perInstance(instances);
    return () -> new RelayVerticle(share, hygiene, tools);
  }

  public String nodeId() {
    return nodeId;
  }

  /** How many sessions' upstreams this instance holds now; safe to call from any thread. */
  public int liveSessions() {
    return sessions.size();
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    connector = new UpstreamConnector(vertx, config);
    tools = new ToolEndpoint(vertx, toolConfig);
    RelayMetrics metrics = connector.metrics();
    Telemetry.of(vertx).readiness("upstream", metrics::readiness);
    lease = new RelayLease(config.lease(), () -> System.nanoTime() / 1_000_000);
    LeaseKeeper keeper = new LeaseKeeper(vertx, nodeId, sessions, lease, config.busTimeoutMs());
    guard = new RelayGuard(hygiene);
    vertx.setPeriodic(ACTIVITY_REPORT_MS, t -> reportActivity());
    vertx.setPeriodic(USAGE_REPORT_MS, t -> reportUsage());
    vertx.setPeriodic(hygiene.relayGuardIntervalMs(), t -> guard.sweep(sessions.values(), System.currentTimeMillis()));
    var bus = vertx.eventBus();
    return Future.all(
        bus.<RelayCommand>consumer(Addresses.relayNode(nodeId), this::onCommand).completion(),
        bus.<OpenAbandoned>consumer(Addresses.RELAY_OPEN_ABANDONED, m -> abandoned(m.body())).completion())
        // Started once the relay may act (its first lease), or after a bus timeout without one: it refuses
        // opens until then, and takes them once the session service grants the lease.
        .compose(v -> keeper.start(config.busTimeoutMs()))
        .onSuccess(v -> LOG.info("[Relay] Started {} (upstream {}, model {})", nodeId, config.upstreamUrl(),
            config.model()));
  }

  /**
   * Leaves cleanly: no new session comes here; each session held is handed to another relay through its
   * client's gateway ({@link RelayLeaving}), after its events in flight are stored, and only then does its
   * upstream close. A session that cannot move (no other relay, no client attached) closes and awaits resume,
   * its client told to reconnect.
   */
  @Override
  public Future<?> stop() {
    // New sessions are refused from now on (MOVING): the gateway asks another live relay.
    stopping = true;
    return Future.join(List.copyOf(sessions.values()).stream().map(this::handOff).toList())
        // What the upstreams closed here cost goes to the store before the process leaves.
        .eventually(this::reportUsage)
        .eventually(() -> connector.close())
        .eventually(() -> tools.close());
  }

  private Future<Void> handOff(RelaySession session) {
    String gateway = session.gatewayAddress();
    if (gateway == null) {
      session.close(true);
      return Future.succeededFuture();
    }
    DeliveryOptions wait = new DeliveryOptions()
        .setSendTimeout(RelayConfig.gatewayOpenWaitMs(config.busTimeoutMs()) + config.busTimeoutMs());
    session.beginLeaving();
    return session.drained(config.busTimeoutMs())
        .compose(v -> {
          session.closeUpstreamForHandOff();
          return BusRequests.request(vertx, gateway, new RelayLeaving(session.sessionId(), nodeId), wait);
        })
        .<Void>map(reply -> {
          LOG.info("[Relay] handed {} over to another relay", session.sessionId());
          session.handedOver();
          return null;
        })
        .recover(e -> {
          LOG.warn("[Relay] could not hand {} over ({}); it awaits resume", session.sessionId(), e.getMessage());
          session.leaveUnmoved();
          return Future.succeededFuture();
        });
  }

  private void onCommand(Message<RelayCommand> message) {
    RelayCommand command = message.body();
    RelaySession session = command.sessionId() == null ? null : sessions.get(command.sessionId());
    if (command instanceof OpenUpstream open) {
      open(message, open);
    } else if (command instanceof ClientAudio audio) {
      if (session != null && lease.mayAct()) {
        session.audio(audio.connectionId(), audio.base64Pcm());
      }
    } else if (command instanceof PlaybackTruncated cut) {
      if (session != null && lease.mayAct()) {
        session.playbackTruncated(cut.connectionId(), cut.itemId(), cut.audioEndMs());
      }
    } else if (command instanceof ClientDetached detached) {
      if (session != null) {
        session.detach(detached.connectionId());
      }
    } else if (command instanceof ClientHeartbeats heartbeats) {
      long now = System.currentTimeMillis();
      for (String sessionId : heartbeats.heartbeated()) {
        RelaySession held = sessions.get(sessionId);
        if (held != null) {
          held.heartbeat(now);
        }
      }
      message.reply(new NotHeld(heartbeats.routed().stream().filter(id -> !sessions.containsKey(id)).toList()));
    } else if (command instanceof DurableReleased released) {
      if (session != null) {
        session.durableReleased(released.seq());
      }
    } else if (command instanceof TerminateUpstream) {
      if (session != null) {
        LOG.info("[Relay] closing upstream of {}: the session was terminated", command.sessionId());
        session.close(false);
      }
    } else if (command instanceof RelayControlRequest control) {
      if (session == null) {
        message.fail(BusFailure.NOT_FOUND, "this relay does not hold the session");
        return;
      }
      if (!lease.mayAct()) {
        message.fail(BusFailure.UNAVAILABLE, NO_LEASE);
        return;
      }
      session.apply(control.control(), control.text(), control.clientSeq(), control.session())
          .onSuccess(v -> message.reply(null))
          .onFailure(e -> message.fail(e instanceof RelaySession.Moving ? BusFailure.MOVING : BusFailure.UNAVAILABLE,
              e.getMessage()));
    }
  }

  /**
   * Opens a session's upstream here, or re-attaches its client if this relay holds it. The relay first
   * claims the session with the session service (only if the relay the gateway saw still holds it), then
   * connects upstream: a session never has two upstreams. A lost claim answers {@link UpstreamHeldElsewhere}.
   */
  private void open(Message<?> message, OpenUpstream request) {
    if (!lease.mayAct()) {
      message.fail(BusFailure.UNAVAILABLE, NO_LEASE);
      return;
    }
    RelaySession existing = sessions.get(request.sessionId());
    if (existing == null && stopping) {
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
    Opening inProgress = opening.get(request.sessionId());
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
    if (sessions.size() + opening.size() >= config.maxSessions()) {
      LOG.warn("[Relay] refused to open an upstream for {}: this relay holds its maximum of {} "
          + "(VOXRELAY_RELAY_MAX_SESSIONS)", request.sessionId(), config.maxSessions());
      message.fail(BusFailure.UNAVAILABLE, "this relay is at capacity");
      return;
    }
    String key = request.sessionId() + "/" + request.connectionId();
    String expected = request.session().relayNode();
    Future<RelaySession> opened = BusRequests.<RelayClaim>request(vertx, Addresses.SESSION_BIND_RELAY, BindRelay.claim(request.sessionId(), nodeId, expected,
            request.holderDisowned()),
            busOptions())
        .compose(claim -> !claim.body().granted() ? Future.failedFuture(new ClaimRefused(claim.body().holder()))
            : RelaySession.open(vertx, nodeId, claim.body().epoch(), config, connector, tools, lease::mayAct, activity,
                request.session(), request.gatewayNode(), request.connectionId(),
                new TransientRing(Math.max(request.afterSeq(), request.storedSeq()), request.transientsLost()))
            .onFailure(e -> giveBack(request.sessionId(), claim.body().epoch())));
    Opening entry = new Opening(request.connectionId(), opened);
    opening.put(request.sessionId(), entry);
    opened
        .onComplete(ar -> opening.remove(request.sessionId(), entry))
        .onSuccess(session -> {
          sessions.put(request.sessionId(), session);
          session.onClosed(() -> {
            sessions.remove(request.sessionId(), session);
            Future<Void> notice = session.closeNoticed();
            if (!notice.isComplete()) {
              closeNotices.put(request.sessionId(), notice);
              notice.onComplete(ar -> closeNotices.remove(request.sessionId(), notice));
            }
            // Its last usage (the final time of its upstream) still goes to the store.
            if (finishing.size() >= MAX_FINISHING) {
              finishing.remove(0);
              LOG.warn("[Relay] the usage of more than {} closed sessions waits to be stored; the oldest is dropped",
                  MAX_FINISHING);
            }
            finishing.add(session.usage());
          });
          session.onBudget(this::reportUsageSoon, () -> budgetReached(request.sessionId(), session));
          Boolean abandonedDetach = abandonedOpens.remove(key);
          if (abandonedDetach != null) {
            giveUp(session, request.connectionId(), abandonedDetach);
            message.fail(BusFailure.UNAVAILABLE, "abandoned by the gateway");
            return;
          }
          LOG.info("[Relay] upstream opened for {}{}", request.sessionId(), request.failover() ? " (failover)" : "");
          if (request.failover()) {
            session.announceTakeover(request.takeover());
          }
          // The gateway confirms that its client still waits for this upstream; if it does not (it gave up,
          // or the client left), that client never had the upstream: it closes now, with no detach grace.
          unconfirmed.put(request.sessionId(), request.connectionId());
          TransientRing.Replay missed = session.transientsAfter(request.afterSeq());
          message.replyAndRequest(new UpstreamOpened(request.sessionId(), nodeId, missed.events(), missed.lost()),
                  busOptions())
              .onSuccess(ack -> unconfirmed.remove(request.sessionId(), request.connectionId()))
              .onFailure(e -> {
                if (unconfirmed.remove(request.sessionId(), request.connectionId())) {
                  discard(session, "its gateway did not take it (" + e.getMessage() + ")");
                }
              });
        })
        .onFailure(e -> {
          abandonedOpens.remove(key);
          if (e instanceof ClaimRefused refused) {
            message.reply(new UpstreamHeldElsewhere(request.sessionId(), refused.holder));
          } else {
            LOG.warn("[Relay] could not open upstream for {}: {}", request.sessionId(), e.toString());
            message.fail(BusFailure.UNAVAILABLE, "upstream unavailable");
          }
        });
  }

  /** Another relay holds the session (or none does, after a give-back): this one must not open it. */
  private static final class ClaimRefused extends RuntimeException {
    private final String holder;

    ClaimRefused(String holder) {
      super("the session is held by " + holder, null, false, false);
      this.holder = holder;
    }
  }

  /**
   * A gateway gave up waiting for an open: that upstream closes at once (or as soon as it opens) if its client
   * never got {@code connected}; otherwise its detach grace runs.
   */
  private void abandoned(OpenAbandoned abandoned) {
    String sessionId = abandoned.sessionId();
    Opening inProgress = opening.get(sessionId);
    if (inProgress != null && inProgress.connectionId().equals(abandoned.connectionId())) {
      abandonedOpens.put(sessionId + "/" + abandoned.connectionId(), abandoned.detach());
    } else if (abandoned.connectionId().equals(unconfirmed.get(sessionId))) {
      unconfirmed.remove(sessionId);
      RelaySession session = sessions.get(sessionId);
      if (session != null) {
        giveUp(session, abandoned.connectionId(), abandoned.detach());
      }
    }
  }

  /** The gateway gave up on {@code connectionId}'s open: detach it (a connected client) or discard. */
  private void giveUp(RelaySession session, String connectionId, boolean detach) {
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
  private void discard(RelaySession session, String why) {
    LOG.info("[Relay] closing the upstream of {} at once: {}", session.sessionId(), why);
    session.close(false);
    giveBack(session.sessionId(), session.epoch());
  }

  /** Gives a claim back, retried until the session service has it; ignored there if the session moved on. */
  private void giveBack(String sessionId, long epoch) {
    DurableRequests.request(vertx, Addresses.SESSION_BIND_RELAY, BindRelay.giveBack(sessionId, nodeId, epoch),
            DurableRequests.Policy.standard(config.busTimeoutMs()))
        .onFailure(e -> LOG.warn("[Relay] giving back the claim of {} failed: {}", sessionId, e.getMessage()));
  }

  /** Audio forwarded in the last second, for all sessions, in one message. */
  /**
   * Sends what the sessions' upstreams cost since the last report (and the final figures of sessions closed
   * here), in batches; each meter lets go of what the store acknowledged. One report at a time.
   */
  private Future<Void> reportUsage() {
    if (reportingUsage) {
      usageAgain = true;
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    List<UsageMeter> meters = new ArrayList<>(finishing);
    sessions.values().forEach(s -> meters.add(s.usage()));
    Map<UsageReport, UsageMeter> reports = new java.util.LinkedHashMap<>();
    for (UsageMeter meter : meters) {
      UsageReport report = meter.report(now);
      if (report != null) {
        reports.put(report, meter);
      }
    }
    finishing.removeIf(meter -> meter.report(now) == null);
    if (reports.isEmpty()) {
      return Future.succeededFuture();
    }
    reportingUsage = true;
    List<UsageReport> all = new ArrayList<>(reports.keySet());
    List<Future<?>> sent = new ArrayList<>();
    for (int from = 0; from < all.size(); from += UsageBatch.MAX_REPORTS) {
      List<UsageReport> batch = all.subList(from, Math.min(all.size(), from + UsageBatch.MAX_REPORTS));
      sent.add(DurableRequests.request(vertx, Addresses.SESSION_USAGE, new UsageBatch(batch),
              DurableRequests.Policy.standard(config.busTimeoutMs()))
          .onSuccess(v -> batch.forEach(report -> reports.get(report).acknowledged(report)))
          .onFailure(e -> LOG.warn("[Relay] usage of {} sessions not stored yet: {}", batch.size(), e.getMessage())));
    }
    return Future.join(sent).transform(done -> {
      reportingUsage = false;
      finishing.removeIf(meter -> meter.report(System.currentTimeMillis()) == null);
      if (usageAgain) {
        usageAgain = false;
        vertx.runOnContext(v -> reportUsage());
      }
      return Future.succeededFuture();
    });
  }

  /** A session with limits was billed: its usage goes now rather than at the next period (coalesced). */
  private void reportUsageSoon() {
    if (!usageSoon) {
      usageSoon = true;
      vertx.setTimer(USAGE_SOON_MS, t -> {
        usageSoon = false;
        reportUsage();
      });
    }
  }

  /**
   * By this relay's own count the session reached a limit. The session service ends it once its usage is
   * stored (which it is now sent); if that has not happened within a few bus timeouts (the session service is
   * down or cut off), the relay closes the upstream itself: a budget holds without any other service.
   */
  private void budgetReached(String sessionId, RelaySession session) {
    LOG.info("[Relay] {} reached a limit of its budget", sessionId);
    reportUsage();
    vertx.setTimer(BUDGET_BACKSTOP_TIMEOUTS * config.busTimeoutMs(), t -> {
      if (!session.isClosed()) {
        LOG.warn("[Relay] {} is past its budget and the session service did not end it: closing its upstream",
            sessionId);
        session.guardClose(TerminationReason.BUDGET_EXCEEDED);
      }
    });
  }

  private void reportActivity() {
    List<Activity> forwarded = activity.drain();
    if (!forwarded.isEmpty()) {
      vertx.eventBus().send(Addresses.SESSION_ACTIVITY, new ActivityBatch(forwarded));
    }
  }

  private DeliveryOptions busOptions() {
    return new DeliveryOptions().setSendTimeout(config.busTimeoutMs());
  }
}
