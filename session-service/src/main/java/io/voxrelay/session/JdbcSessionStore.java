package io.voxrelay.session;

import io.voxrelay.common.config.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session store on JDBC: one schema for SQLite and PostgreSQL, brought up to date as it opens
 * ({@link Migrations}), one part per role, all on one {@link StoreExecutor}.
 */
final class JdbcSessionStore implements SessionStore {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);

  private final StoreExecutor executor;
  private final String storeId;
  private final SessionsStore sessions;
  private final EventsStore events;
  private final ClaimsStore claims;
  private final ActivityStore activity;
  private final UsageStore usage;
  private final RetentionStore retention;
  private final WebhookStore webhooks;

  private JdbcSessionStore(StoreExecutor executor, StoreConfig config, String storeId, boolean queueWebhooks) {
    this.executor = executor;
    this.storeId = storeId;
    this.sessions = new JdbcSessions(executor, queueWebhooks);
    this.events = new JdbcEvents(executor, new EventLog(config.replayMaxEvents(), config.replayMaxAgeMs()),
        queueWebhooks);
    this.claims = new JdbcClaims(executor, new LeaseRows(new LeaseTable(config.leaseTtlMs()),
        config.kind() == StoreConfig.Kind.POSTGRES));
    this.activity = new JdbcActivity(executor);
    this.usage = new JdbcUsage(executor);
    this.retention = new JdbcRetention(executor);
    this.webhooks = new JdbcWebhooks(executor);
  }

  /** Opens the store described by {@code config} and brings its schema up to date; it queues no webhooks. */
  static Future<SessionStore> open(Vertx vertx, StoreConfig config) {
    return open(vertx, config, false);
  }

  /**
   * Opens the store described by {@code config} and brings its schema up to date; with {@code queueWebhooks},
   * every change queues the lifecycle webhooks it reports, in its own transaction.
   */
  static Future<SessionStore> open(Vertx vertx, StoreConfig config, boolean queueWebhooks) {
    return StoreExecutor.open(vertx, config, (executor, dataSource) -> {
      int version = Migrations.apply(dataSource, config.kind() == StoreConfig.Kind.POSTGRES);
      String storeId = StoreIdentity.ensure(dataSource);
      LOG.info("[SessionStore] {} store {} ready at schema version {}", config.kind().name().toLowerCase(),
          storeId, version);
      return new JdbcSessionStore(executor, config, storeId, queueWebhooks);
    });
  }

  @Override
  public SessionsStore sessions() {
    return sessions;
  }

  @Override
  public EventsStore events() {
    return events;
  }

  @Override
  public ClaimsStore claims() {
    return claims;
  }

  @Override
  public ActivityStore activity() {
    return activity;
  }

  @Override
  public UsageStore usage() {
    return usage;
  }

  @Override
  public RetentionStore retention() {
    return retention;
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  @Override
  public String storeId() {
    return storeId;
  }

  @Override
  public Future<Void> drain(long timeoutMs) {
    return executor.drain(timeoutMs);
  }

  @Override
  public Future<Void> ping() {
    return executor.ping();
  }

  @Override
  public Future<Void> close() {
    return executor.close();
  }

  @Override
  public long writeTransactions() {
    return executor.writeTransactions();
  }
}
