package io.voxrelay.session;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voxrelay.common.Polls;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.config.PriceTable;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

import static io.voxrelay.session.Sql.bindLater;
import static io.voxrelay.session.Sql.later;

/**
 * The session store on JDBC: one schema for SQLite and PostgreSQL. Every statement runs on a worker pool,
 * never on an event loop. Updates are optimistic: a row's {@code version} must still be the one read, or the
 * change is applied again to the fresh row.
 */
final class JdbcSessionStore implements SessionStore, WebhookStore {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);
  private static final int MAX_ATTEMPTS = 32;
  private static final String LIVE = "ended = 0 AND awaiting_resume = 0 AND connections > 0";

  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;
  /** Where write transactions run: one thread for SQLite, the pool for PostgreSQL. */
  private final WorkerExecutor writer;
  private final StoreQueue readQueue;
  private final StoreQueue writeQueue;
  private final EventLog events;
  private final LeaseRows leases;
  private final String storeId;
  private final Vertx vertx;
  /** Whether changes queue lifecycle webhooks ({@link LifecycleEvents}) in their transaction. */
  private final boolean queueWebhooks;

  private JdbcSessionStore(Vertx vertx, HikariDataSource dataSource, WorkerExecutor workers, WorkerExecutor writer,
                           StoreConfig config, String storeId, boolean queueWebhooks) {
    this.vertx = vertx;
    this.queueWebhooks = queueWebhooks;
    this.dataSource = dataSource;
    this.storeId = storeId;
    this.workers = workers;
    this.writer = writer;
    SessionMetrics metrics = SessionMetrics.of(vertx);
    this.readQueue = new StoreQueue("read", workers, metrics.storeLatency("read"));
    this.writeQueue = new StoreQueue("write", writer, metrics.storeLatency("write"));
    this.events = new EventLog(config.replayMaxEvents(), config.replayMaxAgeMs());
    this.leases = new LeaseRows(new LeaseTable(config.leaseTtlMs()), config.kind() == StoreConfig.Kind.POSTGRES);
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
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("voxrelay-session-store", config.poolSize());
    // SQLite has one writer at a time, and a connection that finds the lock taken sleeps in its busy handler
    // (1, 2, 5, 10 … ms) even when the lock frees in microseconds: this process's writes take turns on one
    // thread instead, so they never wait on each other that way. Reads stay on the pool (WAL).
    WorkerExecutor writer = config.kind() == StoreConfig.Kind.SQLITE
        ? vertx.createSharedWorkerExecutor("voxrelay-session-writer", 1) : workers;
    return workers.executeBlocking(() -> {
      HikariDataSource dataSource = dataSource(config);
      try {
        int version = Migrations.apply(dataSource, config.kind() == StoreConfig.Kind.POSTGRES);
        String storeId = StoreIdentity.ensure(dataSource);
        LOG.info("[SessionStore] {} store {} ready at schema version {}", config.kind().name().toLowerCase(),
            storeId, version);
        return (SessionStore) new JdbcSessionStore(vertx, dataSource, workers, writer, config, storeId,
            queueWebhooks);
      } catch (SQLException | RuntimeException e) {
        dataSource.close();
        throw e;
      }
    }, false).onFailure(e -> {
      workers.close();
      if (writer != workers) {
        writer.close();
      }
    });
  }

  private static HikariDataSource dataSource(StoreConfig config) throws IOException {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("voxrelay-sessions");
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    if (config.kind() == StoreConfig.Kind.SQLITE) {
      Files.createDirectories(config.dataDir());
      hikari.setJdbcUrl("jdbc:sqlite:" + config.dataDir().resolve("voxrelay.db").toAbsolutePath());
      // WAL lets readers run beside the writer; other processes on this host share the file safely.
      hikari.setConnectionInitSql("PRAGMA busy_timeout = 10000");
      hikari.addDataSourceProperty("journal_mode", "WAL");
      hikari.addDataSourceProperty("synchronous", "NORMAL");
      // Transactions take the write lock when they begin, waiting up to the busy timeout: a transaction that
      // reads and then writes can never be refused its upgrade half-way (SQLITE_BUSY without waiting).
      hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      hikari.setJdbcUrl(config.jdbcUrl());
      if (config.user() != null) {
        hikari.setUsername(config.user());
      }
      config.password().ifPresent(p -> hikari.setPassword(p.reveal()));
    }
    return new HikariDataSource(hikari);
  }

  private final LongAdder writes = new LongAdder();

  private <T> Future<T> blocking(Callable<T> work) {
    return readQueue.submit(work);
  }

  /** A write transaction of the session's own (not the periodic activity batch): counted, then run. */
  private <T> Future<T> write(Callable<T> work) {
    writes.increment();
    return batchWrite(work);
  }

  /** A write transaction that is not a session's own (the activity batch): in turn with the others, uncounted. */
  private <T> Future<T> batchWrite(Callable<T> work) {
    return writeQueue.submit(work);
  }

  @Override
  public long writeTransactions() {
    return writes.sum();
  }

  @Override
  public Future<Void> insert(SessionRecord s) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        if (!queueWebhooks) {
          SessionRows.insert(c, s);
          return null;
        }
        List<LifecycleEvents.Event> created = LifecycleEvents.created(s);
        SessionRecord numbered = s.toBuilder().webhookSeq(created.size()).build();
        return Sql.inTransaction(c, () -> {
          SessionRows.insert(c, numbered);
          WebhookOutbox.enqueue(c, numbered, 1, created, System.currentTimeMillis());
          return null;
        });
      }
    });
  }

  @Override
  public Future<SessionRecord> find(String sessionId) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        SessionRecord row = SessionRows.read(c, sessionId);
        return row == null ? null : row.toBuilder().history(EventLog.recentTurns(c, sessionId)).build();
      }
    });
  }

  @Override
  public Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          // Without the history: no change reads or writes turns, and most callers need none.
          SessionRecord current = SessionRows.read(c, sessionId);
          if (current == null) {
            throw new NoSuchElementException("no session " + sessionId);
          }
          SessionRecord changed = change.apply(current);
          if (changed == current) {
            return current; // nothing changed (a refused claim, a duplicate control): nothing to write
          }
          List<LifecycleEvents.Event> events = queueWebhooks ? LifecycleEvents.between(current, changed) : List.of();
          SessionRecord toWrite = events.isEmpty() ? changed
              : changed.toBuilder().webhookSeq(current.webhookSeq() + events.size()).build();
          int liveDelta = (changed.live() ? 1 : 0) - (current.live() ? 1 : 0);
          if (events.isEmpty() && liveDelta == 0 ? SessionRows.write(c, current.version(), toWrite)
              : writeWithEffects(c, current, toWrite, liveDelta, events)) {
            return toWrite.withVersion(current.version() + 1);
          }
        }
        throw new IllegalStateException("too much contention on session " + sessionId);
      }
    });
  }

  /**
   * Writes a change with what follows from it, in one transaction: the live count and the webhooks it
   * reports. False (nothing written) when another change won the version race.
   */
  private static boolean writeWithEffects(Connection c, SessionRecord current, SessionRecord changed, int liveDelta,
                                          List<LifecycleEvents.Event> events) throws SQLException {
    return Sql.inTransaction(c, () -> {
      if (!SessionRows.write(c, current.version(), changed)) {
        return false;
      }
      if (liveDelta != 0) {
        SessionRows.countLive(c, liveDelta);
      }
      if (!events.isEmpty()) {
        WebhookOutbox.enqueue(c, changed, current.webhookSeq() + 1, events, System.currentTimeMillis());
      }
      return true;
    });
  }

  @Override
  public Future<List<String>> recordUsage(List<io.voxrelay.common.bus.UsageReport> reports, PriceTable prices) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        long now = System.currentTimeMillis();
        return Sql.inTransaction(c, () -> {
          List<String> toCheck = new ArrayList<>();
          // In session order, as the activity batches: no two multi-row transactions deadlock.
          for (io.voxrelay.common.bus.UsageReport report : reports.stream()
              .sorted(java.util.Comparator.comparing(io.voxrelay.common.bus.UsageReport::sessionId)).toList()) {
            if (UsageLedger.record(c, report, now, prices) && !toCheck.contains(report.sessionId())) {
              toCheck.add(report.sessionId());
            }
          }
          return toCheck;
        });
      }
    });
  }

  @Override
  public WebhookStore webhooks() {
    return this;
  }

  @Override
  public Future<Boolean> leaseWebhooks(String holder, long ttlMs) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return WebhookOutbox.lease(c, holder, System.currentTimeMillis(), ttlMs);
      }
    });
  }

  @Override
  public Future<Void> releaseWebhooks(String holder) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        WebhookOutbox.release(c, holder);
        return null;
      }
    });
  }

  @Override
  public Future<List<WebhookOutbox.Entry>> dueWebhooks(int limit) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return WebhookOutbox.due(c, System.currentTimeMillis(), limit);
      }
    });
  }

  @Override
  public Future<Boolean> claimWebhookAttempt(String holder, WebhookOutbox.Entry entry, long retryAt) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return WebhookOutbox.claimAttempt(c, holder, entry, System.currentTimeMillis(), retryAt);
      }
    });
  }

  @Override
  public Future<Void> retryWebhookAt(String eventId, int attempts, long at) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        WebhookOutbox.retryAt(c, eventId, attempts, at);
        return null;
      }
    });
  }

  @Override
  public Future<Void> webhookDelivered(String eventId) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        WebhookOutbox.delivered(c, eventId);
        return null;
      }
    });
  }

  @Override
  public Future<int[]> dropStaleWebhooks(long cutoff, int maxQueued) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return new int[] {WebhookOutbox.dropOlderThan(c, cutoff), WebhookOutbox.dropOverflow(c, maxQueued)};
      }
    });
  }

  @Override
  public Future<Long> queuedWebhooks() {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return WebhookOutbox.count(c);
      }
    });
  }

  @Override
  public Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return EventLog.transcript(c, sessionId, afterPosition, limit);
      }
    });
  }

  @Override
  public Future<Void> markApplied(String sessionId, long clientSeq, long relayEpoch) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        return Sql.inTransaction(c, () -> {
          RelayEpochs.requireCurrent(c, sessionId, relayEpoch);
          EventLog.markApplied(c, sessionId, clientSeq);
          return null;
        });
      }
    });
  }

  @Override
  public Future<LeaseGrant> renewLease(String relayNode, long heldId) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return leases.renew(c, relayNode, heldId);
      }
    });
  }

  @Override
  public Future<List<String>> liveRelays() {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return leases.liveNodes(c);
      }
    });
  }

  @Override
  public Future<RelayClaim> claim(BindRelay request) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          RelayClaim claim = leases.claim(c, request);
          if (claim != null) {
            return claim;
          }
        }
        throw new IllegalStateException("too much contention on session " + request.sessionId());
      }
    });
  }

  @Override
  public Future<List<String>> lostClaims(String relayNode, Map<String, Long> epochs) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return RelayEpochs.lost(c, relayNode, epochs);
      }
    });
  }

  @Override
  public String storeId() {
    return storeId;
  }

  @Override
  public Future<Void> drain(long timeoutMs) {
    return Polls.until(vertx, () -> readQueue.pending() + writeQueue.pending() == 0, timeoutMs)
        .onSuccess(v -> {
          int left = readQueue.pending() + writeQueue.pending();
          if (left > 0) {
            LOG.warn("[SessionStore] closing with {} requests still under way after {} ms", left, timeoutMs);
          }
        });
  }

  @Override
  public Future<Void> close() {
    return workers.<Void>executeBlocking(() -> {
      dataSource.close();
      return null;
    }, false).eventually(() -> (writer == workers ? workers.close()
        : writer.close().eventually(workers::close)).mapEmpty());
  }

  @Override
  public Future<Void> recordActivity(List<Activity> activities) {
    if (activities.isEmpty()) {
      return Future.succeededFuture();
    }
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_heartbeat_at = "
               + later("last_heartbeat_at") + ", last_audio_activity_at = " + later("last_audio_activity_at")
               + ", last_activity_at = " + later("last_activity_at") + " WHERE session_id = ?")) {
        // Rows in one order, whoever writes several in one transaction (gateways' batches, relays' usage), so
        // two such transactions never wait on each other in a cycle (PostgreSQL would abort one as a deadlock).
        List<Activity> ordered = activities.stream().sorted(java.util.Comparator.comparing(Activity::sessionId))
            .toList();
        return Sql.inTransaction(c, () -> {
          for (Activity a : ordered) {
            int i = bindLater(ps, 1, a.heartbeatAt());
            i = bindLater(ps, i, a.audioAt());
            i = bindLater(ps, i, a.audioAt());
            ps.setString(i, a.sessionId());
            ps.addBatch();
          }
          ps.executeBatch();
          for (Activity a : activities) {
            if (a.ackSeq() > 0) {
              EventLog.prune(c, a.sessionId(), "seq <= ?", a.ackSeq());
            }
          }
          return null;
        });
      }
    });
  }

  @Override
  public Future<ExpiredSessions> findExpired(FindExpired query) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        Map<String, SessionTimes> found = new LinkedHashMap<>();
        collect(c, "started_at <= ?", query.now() - query.maxAgeMs(), found);
        collect(c, "last_heartbeat_at <= ?", query.now() - query.heartbeatTimeoutMs(), found);
        collect(c, "paused = 0 AND last_activity_at <= ?", query.now() - query.idleTimeoutMs(), found);
        int live;
        try (PreparedStatement ps = c.prepareStatement("SELECT live FROM session_counts WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
          live = rs.next() ? rs.getInt("live") : 0;
        }
        return new ExpiredSessions(new ArrayList<>(found.values()), live);
      }
    });
  }

  @Override
  public Future<Map<String, Long>> countByState() {
    return blocking(() -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (SessionState state : SessionState.values()) {
        counts.put(state.code(), 0L);
      }
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) AS n FROM sessions GROUP BY state");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString("state"), rs.getLong("n"));
        }
      }
      return counts;
    });
  }

  @Override
  public Future<List<SessionRecord>> list(SessionState state, ListCursor before, int limit) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return SessionRows.page(c, state, before, limit);
      }
    });
  }

  @Override
  public Future<Void> ping() {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT 1");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
      return null;
    });
  }

  private static void collect(Connection c, String condition, long cutoff, Map<String, SessionTimes> into)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT session_id, started_at, last_heartbeat_at, "
        + "last_audio_activity_at, last_interaction_at, paused FROM sessions WHERE " + LIVE + " AND " + condition)) {
      ps.setLong(1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString("session_id");
          into.putIfAbsent(id, new SessionTimes(id, rs.getLong("started_at"), rs.getLong("last_heartbeat_at"),
              rs.getLong("last_audio_activity_at"), rs.getLong("last_interaction_at"), rs.getInt("paused") != 0));
        }
      }
    }
  }

  @Override
  public Future<List<NumberedEvent>> appendEvents(String sessionId, String emitKey, long relayEpoch,
                                                  List<String> events, List<Turn> turns, long appliedClientSeq,
                                                  long now) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        for (int attempt = 1; ; attempt++) {
          try {
            return this.events.append(c, sessionId, emitKey, relayEpoch, events, turns, appliedClientSeq, now);
          } catch (EventLog.AlreadyStored again) {
            return again.events;
          } catch (SQLException e) {
            // Two writers took the same session's write lock at once (SQLite): try again in order.
            if (attempt >= MAX_ATTEMPTS) {
              throw e;
            }
            Thread.sleep(Math.min(50, attempt * 2L));
          }
        }
      }
    });
  }

  @Override
  public Future<Integer> purgeRetired(long cutoff, int batch) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return Sql.inTransaction(c, () -> RetiredSessions.purge(c, cutoff, batch));
      }
    });
  }

  @Override
  public Future<Integer> pruneExpiredEvents(long cutoff, int batch) {
    return batchWrite(() -> {
      try (Connection c = dataSource.getConnection()) {
        return Sql.inTransaction(c, () -> EventLog.pruneExpired(c, cutoff, batch));
      }
    });
  }

  @Override
  public Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return EventLog.replay(c, sessionId, afterSeq, withHistory);
      }
    });
  }
}
