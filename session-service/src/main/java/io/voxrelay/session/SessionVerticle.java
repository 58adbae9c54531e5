package io.voxrelay.session;

import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.cluster.NodeIds;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.RetentionConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.config.BudgetConfig;
import io.voxrelay.common.config.WebhookConfig;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;


/**
 * The session service: the only owner of session state and resume tokens. Any number of instances may run;
 * they share one {@link SessionStore}. This class wires: it opens the store, starts the periodic work (retention,
 * the census, webhook delivery) and registers the handlers, grouped by what they serve
 * ({@link ConnectionHandlers}, {@link ConversationHandlers}, {@link RelayClaims}, {@link HygieneHandlers},
 * {@link SessionApiHandlers}).
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final StoreConfig config;
  private final Clock clock;
  private volatile SessionStore store;
  private ConnectionHandlers connections;
  private ConversationHandlers conversations;
  private HygieneHandlers hygiene;
  private SessionApiHandlers apiHandlers;
  private final RetentionConfig retentionConfig;
  private final WebhookConfig webhookConfig;
  private final BudgetConfig budgetConfig;
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
    return JdbcSessionStore.open(vertx, config, webhookConfig.enabled())
        .compose(opened -> {
          store = opened;
          ClientNotices notices = new ClientNotices(vertx, opened, clock);
          Terminations terminations = new Terminations(vertx, opened, notices, clock);
          BudgetChecks budgets = new BudgetChecks(opened, terminations, notices, budgetConfig, clock);
          connections = new ConnectionHandlers(opened, budgetConfig, config.tokenTtlMs(), clock);
          conversations = new ConversationHandlers(opened, clock);
          hygiene = new HygieneHandlers(opened, terminations, budgets, budgetConfig);
          apiHandlers = new SessionApiHandlers(vertx, opened, notices, budgetConfig, clock,
              webhookConfig.timeoutMs());
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
          var bus = vertx.eventBus();
          consumers.addAll(connections.register(bus));
          consumers.addAll(conversations.register(bus));
          consumers.addAll(claims.register(bus));
          consumers.addAll(hygiene.register(bus));
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
      opened.sessions().countByState()
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
}
