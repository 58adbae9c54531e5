package io.voxrelay.session;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.RenewLease;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.CheckClaims;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.ClientDisconnected;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlDone;
import io.voxrelay.common.bus.WithdrawControls;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.GetTranscript;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.bus.TerminateSessions;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.TerminatedSession;
import io.voxrelay.common.bus.TerminatedSessions;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.bus.UsageBatch;
import io.voxrelay.common.cluster.NodeIds;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.RetentionConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.config.BudgetConfig;
import io.voxrelay.common.config.WebhookConfig;
import io.voxrelay.common.management.Telemetry;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static io.voxrelay.session.BusReplies.answer;
import static io.voxrelay.session.BusReplies.fail;

/**
 * The session service: the only owner of session state and resume tokens. Any number of instances may run;
 * they share one {@link SessionStore}.
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final StoreConfig config;
  private final Clock clock;
  private volatile SessionStore store;
  private Terminations terminations;
  private SessionApiHandlers apiHandlers;
  private final RetentionConfig retentionConfig;
  private final WebhookConfig webhookConfig;
  private final BudgetConfig budgetConfig;
  private BudgetChecks budgets;
  private WebhookDelivery webhooks;
  private RetentionSweep retention;
  private RelayClaims claims;
  private StoreCheck storeCheck;
  private final String nodeId = NodeIds.next("session");
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** How long a stopping instance lets the store's requests under way finish before it closes the store. */
  private static final long DRAIN_TIMEOUT_MS = 10_000;
  /** How often the sessions are counted by state for the figures. */
  static final long CENSUS_INTERVAL_MS = 15_000;
  private long censusTimer = -1;
  /** The readiness probe's store query under way, if any (probes come from the management server's loop). */
  private volatile Future<Void> storePing;

  public SessionVerticle() {
    this(Env.system());
  }

  /** Every setting from {@code env}: the store, retention and webhooks. */
  public SessionVerticle(Env env) {
    this(StoreConfig.fromEnv(env), RetentionConfig.fromEnv(env), WebhookConfig.fromEnv(env),
        BudgetConfig.fromEnv(env), Clock.systemUTC());
  }

  public SessionVerticle(StoreConfig config) {
    this(config, RetentionConfig.fromEnv(Env.system()), Clock.systemUTC());
  }

  public SessionVerticle(StoreConfig config, RetentionConfig retention) {
    this(config, retention, Clock.systemUTC());
  }

  SessionVerticle(StoreConfig config, Clock clock) {
    this(config, RetentionConfig.fromEnv(Env.system()), clock);
  }

  SessionVerticle(StoreConfig config, RetentionConfig retention, Clock clock) {
    this(config, retention, WebhookConfig.off(), BudgetConfig.fromEnv(Env.system()), clock);
  }

  SessionVerticle(StoreConfig config, RetentionConfig retention, WebhookConfig webhooks, BudgetConfig budgets,
                  Clock clock) {
    this.config = config;
    this.budgetConfig = budgets;
    this.webhookConfig = webhooks;
    this.retentionConfig = retention;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    var bus = vertx.eventBus();
    return JdbcSessionStore.open(vertx, config, webhookConfig.enabled())
        .compose(opened -> {
          store = opened;
          ClientNotices notices = new ClientNotices(vertx, opened, clock);
          terminations = new Terminations(vertx, opened, notices, clock);
          apiHandlers = new SessionApiHandlers(vertx, opened, notices, budgetConfig, clock);
          budgets = new BudgetChecks(opened, terminations, notices, budgetConfig, clock);
          retention = new RetentionSweep(vertx, opened, retentionConfig, config.replayMaxAgeMs(), clock);
          retention.start();
          claims = new RelayClaims(opened);
          storeCheck = new StoreCheck(vertx, nodeId, opened.storeId(), config.where());
          Telemetry.of(vertx).readiness("store", this::storeReadiness);
          census();
          censusTimer = vertx.setPeriodic(CENSUS_INTERVAL_MS, t -> census());
          if (webhookConfig.enabled()) {
            webhooks = new WebhookDelivery(vertx, opened.webhooks(), webhookConfig, nodeId);
            webhooks.start();
          }
          return storeCheck.start();
        })
        .compose(v -> {
          consumers.addAll(List.of(
              bus.<CreateSession>consumer(Addresses.SESSION_CREATE, this::create),
              bus.<ConnectSession>consumer(Addresses.SESSION_CONNECT, this::connect),
              bus.<BindRelay>consumer(Addresses.SESSION_BIND_RELAY, m -> answer(m, "bind-relay",
                  claims.bind(m.body()))),
              bus.<RenewLease>consumer(Addresses.SESSION_RELAY_LEASE, m -> answer(m, "relay-lease",
                  claims.renew(m.body()))),
              bus.<FindLiveRelays>consumer(Addresses.SESSION_LIVE_RELAYS, m -> answer(m, "live-relays",
                  claims.liveRelays())),
              bus.<SessionControlRequest>consumer(Addresses.SESSION_CONTROL, this::control),
              bus.<UpstreamClosed>consumer(Addresses.SESSION_UPSTREAM_CLOSED, m -> answer(m, "upstream-closed",
                  claims.upstreamClosed(m.body()))),
              bus.<CheckClaims>consumer(Addresses.SESSION_CHECK_CLAIMS, m -> answer(m, "check-claims",
                  claims.check(m.body()))),
              bus.<ActivityBatch>consumer(Addresses.SESSION_ACTIVITY, this::activity),
              bus.<FindExpired>consumer(Addresses.SESSION_FIND_EXPIRED, this::findExpired),
              bus.<TerminateSessions>consumer(Addresses.SESSION_TERMINATE, this::terminate),
              bus.<ConfirmConnection>consumer(Addresses.SESSION_CONFIRM, this::confirm),
              bus.<UsageBatch>consumer(Addresses.SESSION_USAGE, m -> answer(m, "usage",
                  store.recordUsage(m.body().reports(), budgetConfig.prices())
                      .onSuccess(limited -> budgets.check(limited)).mapEmpty())),
              bus.<ClientDisconnected>consumer(Addresses.SESSION_DISCONNECTED, m -> answer(m, "disconnected",
                  disconnected(m.body()))),
              bus.<EmitEvents>consumer(Addresses.SESSION_EMIT, this::emit),
              bus.<ReplayRequest>consumer(Addresses.SESSION_REPLAY, this::replay),
              bus.<GetSession>consumer(Addresses.SESSION_GET, this::get),
              bus.<GetTranscript>consumer(Addresses.SESSION_TRANSCRIPT, this::transcript),
              bus.<RelayControlDone>consumer(Addresses.SESSION_CONTROL_APPLIED, m -> answer(m, "control-applied",
                  claims.controlApplied(m.body()))),
              bus.<WithdrawControls>consumer(Addresses.SESSION_WITHDRAW_CONTROLS, m -> answer(m, "withdraw-controls",
                  claims.withdraw(m.body())))));
          consumers.addAll(apiHandlers.register(bus));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .recover(e -> {
          // Refused to serve (another store in the cluster) or could not start: nothing is left open.
          if (retention != null) {
            retention.stop();
          }
          Future<Void> delivering = webhooks == null ? Future.succeededFuture() : webhooks.stop();
          return delivering.eventually(() -> store == null ? Future.succeededFuture() : store.close())
              .transform(v -> Future.failedFuture(e));
        })
        .onSuccess(v -> LOG.info("[SessionService] Started {} on store {}", nodeId, store.storeId()));
  }

  private void census() {
    SessionStore opened = store;
    if (opened != null) {
      opened.countByState()
          .onSuccess(SessionMetrics.of(vertx)::counted)
          .onFailure(e -> LOG.debug("[SessionService] counting sessions failed: {}", e.toString()));
    }
  }

  /**
   * DOWN while the store does not answer a trivial query (it lost its database, or is closed). One query at a
   * time: while a database that went away keeps it waiting (the pool's connection timeout), probes share it
   * instead of taking every store thread.
   */
  private Future<Status> storeReadiness() {
    SessionStore opened = store;
    if (opened == null) {
      return Future.succeededFuture(Status.KO(new JsonObject().put("reason", "store not open")));
    }
    Future<Void> ping = storePing;
    if (ping == null || ping.isComplete()) {
      ping = opened.ping();
      storePing = ping;
    }
    return ping
        .map(v -> Status.OK())
        .otherwise(e -> Status.KO(new JsonObject().put("reason", "store unreachable")));
  }

  /** The store's write transactions so far ({@link SessionStore#writeTransactions()}); 0 before it opened. */
  public long storeWriteTransactions() {
    SessionStore opened = store;
    return opened == null ? 0 : opened.writeTransactions();
  }

  /**
   * Leaves in order: the consumers go first (callers' retries reach another instance, or wait for one), then
   * the requests under way finish and are answered, then the store closes.
   */
  @Override
  public Future<?> stop() {
    if (censusTimer >= 0) {
      vertx.cancelTimer(censusTimer);
    }
    if (retention != null) {
      retention.stop();
    }
    Future<Void> delivering = webhooks == null ? Future.succeededFuture() : webhooks.stop();
    List<Future<?>> unregistering = new ArrayList<>(consumers.stream().map(MessageConsumer::unregister).toList());
    if (storeCheck != null) {
      unregistering.add(storeCheck.stop());
    }
    unregistering.add(delivering);
    Future<?> unregistered = Future.join(unregistering);
    consumers.clear();
    return unregistered
        .eventually(() -> store == null ? Future.succeededFuture() : store.drain(DRAIN_TIMEOUT_MS))
        .eventually(() -> store == null ? Future.succeededFuture() : store.close());
  }

  private void create(Message<CreateSession> message) {
    CreateSession request = message.body();
    Budget limits;
    try {
      limits = budgetConfig.admit(request.limits());
    } catch (IllegalArgumentException e) {
      message.fail(BusFailure.BAD_REQUEST, e.getMessage());
      return;
    }
    String token = Tokens.newToken();
    long now = clock.millis();
    SessionRecord session = SessionRecord.create(Tokens.newSessionId(), request.instructions(),
        request.questions(), request.tools(), request.upstream(), Tokens.hash(token), now + config.tokenTtlMs(), now)
        .toBuilder().limits(limits).build();
    store.insert(session)
        .onSuccess(v -> {
          LOG.info("[SessionService] Session created: {} ({} questions)", session.sessionId(),
              session.questions().size());
          message.reply(new SessionCreated(session.sessionId(), token));
        })
        .onFailure(e -> fail(message, "create", e));
  }

  /**
   * Checks the token and rotates it in one atomic update, recording this connection as the session's live
   * one (the gateway closes the one it replaces). Unknown session, wrong token, expired token and a token
   * already replaced all answer {@link BusFailure#UNAUTHORIZED}; only a valid token learns that the
   * interview has ended.
   *
   * <p>The token a rotation replaces stays valid until the client confirms it received the new one
   * ({@link ConfirmConnection}, sent by the gateway on the client's first frame): a connection that drops
   * before {@code connected} arrives cannot lock its client out.
   */
  private void connect(Message<ConnectSession> message) {
    ConnectSession request = message.body();
    String newToken = Tokens.newToken();
    String newHash = Tokens.hash(newToken);
    long now = clock.millis();
    boolean[] resumed = new boolean[1];
    String[] previous = new String[2];
    store.update(request.sessionId(), s -> {
          if (request.deadline() > 0 && clock.millis() > request.deadline()) {
            // The gateway gave up on this hello and its client has retried: applying it now could rotate the
            // token, or take the session from the retry's connection, after the retry was answered.
            throw new ControlRules.Refused(BusFailure.UNAVAILABLE, "the connect came too late");
          }
          boolean current = Tokens.matches(request.token(), s.tokenHash());
          boolean replaced = !current && Tokens.matches(request.token(), s.previousTokenHash());
          if (!(current || replaced) || s.tokenExpiresAt() <= now) {
            throw new BusReplies.Unauthorized();
          }
          if (s.ended()) {
            throw new ControlRules.Refused(BusFailure.GONE, "the interview has ended");
          }
          resumed[0] = s.connections() > 0;
          previous[0] = s.gatewayNode();
          previous[1] = s.connectionId();
          // A connecting client is alive: that counts as its heartbeat.
          return s.toBuilder().token(newHash, now + config.tokenTtlMs())
              .previousTokenHash(current ? s.tokenHash() : s.previousTokenHash())
              .gatewayNode(request.gatewayNode()).connectionId(request.connectionId())
              .connections(s.connections() + 1).lastHeartbeatAt(now).build();
        })
        // The history comes with the replay, read after the latest seq: it holds every turn whose event the
        // client may have processed, so a client never loses a turn it already showed.
        .compose(s -> store.replay(s.sessionId(), request.lastSeq(), true)
            .map(replay -> new SessionConnected(s.toBuilder().history(replay.history()).build().snapshot(), newToken,
                resumed[0], replay, previous[0], previous[1])))
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "connect", e instanceof NoSuchElementException ? new BusReplies.Unauthorized() : e));
  }

  private void confirm(Message<ConfirmConnection> message) {
    ConfirmConnection request = message.body();
    store.update(request.sessionId(), s -> request.connectionId().equals(s.connectionId())
            && s.previousTokenHash() != null ? s.toBuilder().previousTokenHash(null).build() : s)
        .onSuccess(s -> message.reply(null))
        .onFailure(e -> fail(message, "confirm", e));
  }

  /** No client is connected now, unless a newer connection took the session over before this came. */
  private Future<Void> disconnected(ClientDisconnected request) {
    return store.update(request.sessionId(), s -> request.connectionId().equals(s.connectionId())
            ? s.toBuilder().connectionId(null).gatewayNode(null).build() : s)
        .mapEmpty();
  }

  private void emit(Message<EmitEvents> message) {
    EmitEvents request = message.body();
    store.appendEvents(request.sessionId(), request.emitKey(), request.relayEpoch(), request.events(),
            request.turns(), request.appliedClientSeq(), clock.millis())
        .onSuccess(stamped -> message.reply(new EmittedEvents(stamped)))
        .onFailure(e -> fail(message, "emit", e));
  }

  private void replay(Message<ReplayRequest> message) {
    store.replay(message.body().sessionId(), message.body().afterSeq())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "replay", e));
  }

  private void get(Message<GetSession> message) {
    store.find(message.body().sessionId())
        .onSuccess(s -> {
          if (s == null) {
            message.fail(BusFailure.NOT_FOUND, "no such session");
          } else {
            message.reply(s.snapshot());
          }
        })
        .onFailure(e -> fail(message, "get", e));
  }

  private void transcript(Message<GetTranscript> message) {
    GetTranscript request = message.body();
    store.transcript(request.sessionId(), request.afterPosition(), request.limit())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "transcript", e));
  }

  /**
   * Applies a control once per client seq: a resend of a seq already processed changes nothing and is
   * answered as a duplicate. Only the session's live connection may control it.
   */
  private void control(Message<SessionControlRequest> message) {
    SessionControlRequest request = message.body();
    long now = clock.millis();
    boolean[] duplicate = new boolean[1];
    store.update(request.sessionId(), s -> {
          if (request.connectionId() != null && !request.connectionId().equals(s.connectionId())) {
            throw new ControlRules.Refused(BusFailure.SUPERSEDED, "a newer connection took this session over");
          }
          duplicate[0] = request.clientSeq() > 0 && request.clientSeq() <= s.lastClientSeq();
          if (duplicate[0]) {
            return s;
          }
          SessionRecord applied = ControlRules.apply(s, request.control(), now);
          return request.clientSeq() > 0 ? applied.toBuilder().lastClientSeq(request.clientSeq()).build() : applied;
        })
        // Only a resume may open a new upstream (from the gateway), which needs the conversation to restore.
        .compose(session -> request.control() == Control.RESUME ? store.find(session.sessionId()) : Future.succeededFuture(session))
        .onSuccess(session -> message.reply(new SessionControlReply(session.snapshot(), duplicate[0])))
        .onFailure(e -> fail(message, "control", e));
  }

  private void activity(Message<ActivityBatch> message) {
    store.recordActivity(message.body().activities())
        .onFailure(e -> LOG.warn("[SessionService] activity of {} sessions not recorded: {}",
            message.body().activities().size(), e.toString()));
  }

  private void findExpired(Message<FindExpired> message) {
    store.findExpired(message.body())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "find-expired", e));
  }

  private void terminate(Message<TerminateSessions> message) {
    terminations.terminate(message.body().terminations())
        .onSuccess(ended -> message.reply(new TerminatedSessions(ended)));
  }
}
