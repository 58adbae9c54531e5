package io.voxrelay.relay;

import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.ClientHeartbeats;
import io.voxrelay.common.bus.DurableReleased;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.bus.NotHeld;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.PlaybackTruncated;
import io.voxrelay.common.bus.RelayCommand;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.RelayLeaving;
import io.voxrelay.common.bus.TerminateUpstream;
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
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final String NO_LEASE = "this relay holds no valid lease now (it is checking its claims, or cannot "
      + "reach the session service)";

  private final RelayConfig config;
  private final HygieneConfig hygiene;
  private final String nodeId = NodeIds.next("relay");
  private final ActivityAccumulator activity = new ActivityAccumulator();
  // Changed only on the event loop; concurrent so that metrics and tests may read it from elsewhere.
  private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
  private final ToolConfig toolConfig;
  private UpstreamConnector connector;
  private RelayLease lease;
  private RelayOpens<RelaySession> opens;
  private UsageReports usage;
  private boolean stopping;
  private RelayGuard guard;
  private ToolEndpoint tools;
  /** Live events to gateways, bounded per gateway ({@link LiveSenders}); confined to this instance's event loop. */
  private LiveSenders toGateways;

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
    toGateways = new LiveSenders(vertx, metrics.liveDropped::increment);
    Telemetry.of(vertx).readiness("upstream", metrics::readiness);
    lease = new RelayLease(config.lease(), () -> System.nanoTime() / 1_000_000);
    LeaseKeeper keeper = new LeaseKeeper(vertx, nodeId, sessions, lease, config.busTimeoutMs());
    guard = new RelayGuard(hygiene);
    usage = new UsageReports(vertx, config.busTimeoutMs(), sessions::values);
    opens = new RelayOpens<>(vertx, nodeId, config.busTimeoutMs(), config.maxSessions(), lease::mayAct,
        () -> stopping, sessions, this::openSession, new RelayOpens.Listener<>() {
          @Override
          public void opened(RelaySession session) {
            session.onBudget(usage::soon, () -> usage.budgetReached(session));
          }

          @Override
          public void closed(RelaySession session) {
            usage.closed(session);
          }
        });
    vertx.setPeriodic(ACTIVITY_REPORT_MS, t -> reportActivity());
    usage.start();
    vertx.setPeriodic(hygiene.relayGuardIntervalMs(), t -> guard.sweep(sessions.values(), System.currentTimeMillis()));
    var bus = vertx.eventBus();
    return Future.all(
        bus.<RelayCommand>consumer(Addresses.relayNode(nodeId), this::onCommand).completion(),
        bus.<OpenAbandoned>consumer(Addresses.RELAY_OPEN_ABANDONED, m -> opens.abandoned(m.body())).completion())
        // Started once the relay may act (its first lease), or after a bus timeout without one: it refuses
        // opens until then, and takes them once the session service grants the lease.
        .compose(v -> keeper.start(config.busTimeoutMs()))
        .onSuccess(v -> LOG.info("[Relay] Started {} (upstream {}; fallback {})", nodeId, config.upstream(),
            config.fallback().map(Object::toString).orElse("none")));
  }

  /** Opens the upstream of {@code request}'s session here, under claim {@code epoch}. */
  private Future<RelaySession> openSession(OpenUpstream request, long epoch) {
    ClientFeed feed = new ClientFeed(vertx, request.session().sessionId(), nodeId, config.busTimeoutMs(),
        () -> epoch, new TransientRing(Math.max(request.afterSeq(), request.storedSeq()), request.transientsLost()),
        toGateways);
    feed.attach(request.gatewayNode(), request.connectionId(), 0);
    return RelaySession.open(vertx, nodeId, epoch, config, connector, tools, lease::mayAct, activity,
        request.session(), feed);
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
        .eventually(() -> usage.report())
        .eventually(() -> connector.close())
        .eventually(() -> tools.close());
  }

  private Future<Void> handOff(RelaySession session) {
    String gateway = session.gatewayAddress();
    if (gateway == null) {
      session.end(SessionLife.Exit.LEFT_UNMOVED);
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
          session.end(SessionLife.Exit.HANDED_OVER);
          return null;
        })
        .recover(e -> {
          LOG.warn("[Relay] could not hand {} over ({}); it awaits resume", session.sessionId(), e.getMessage());
          session.end(SessionLife.Exit.LEFT_UNMOVED);
          return Future.succeededFuture();
        });
  }

  private void onCommand(Message<RelayCommand> message) {
    RelayCommand command = message.body();
    RelaySession session = command.sessionId() == null ? null : sessions.get(command.sessionId());
    if (command instanceof OpenUpstream open) {
      opens.open(message, open);
    } else if (command instanceof ClientAudio audio) {
      if (session != null && lease.mayAct()) {
        session.input().audio(audio.connectionId(), audio.base64Pcm());
      }
    } else if (command instanceof PlaybackTruncated cut) {
      if (session != null && lease.mayAct()) {
        session.input().playbackTruncated(cut.connectionId(), cut.itemId(), cut.audioEndMs());
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
          held.input().heartbeat(now);
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
        session.end(SessionLife.Exit.TERMINATED);
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
      session.apply(control)
          .onSuccess(message::reply)
          .onFailure(e -> {
            if (e instanceof ReplyException refused && refused.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
              message.fail(refused.failureCode(), refused.getMessage());
            } else {
              message.fail(e instanceof SessionControls.Moving ? BusFailure.MOVING : BusFailure.UNAVAILABLE,
                  e.getMessage());
            }
          });
    }
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
