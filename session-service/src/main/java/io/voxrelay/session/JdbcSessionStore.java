package io.voxrelay.session;

import com.fasterxml.jackson.core.type.TypeReference;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.Sequenced;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * The session store on JDBC: one schema for SQLite and PostgreSQL. Every statement runs on a worker pool,
 * never on an event loop. Updates are optimistic: a row's {@code version} must still be the one read, or the
 * change is applied again to the fresh row.
 */
final class JdbcSessionStore implements SessionStore {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);
  private static final int MAX_ATTEMPTS = 32;
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
  };

  private static final String COLUMNS = "session_id, version, instructions, questions, created_at, token_hash, "
      + "token_expires_at, current_question_index, paused, awaiting_resume, text_only, ended, termination_reason, "
      + "relay_node, gateway_node, connections, started_at, last_heartbeat_at, last_audio_activity_at, "
      + "last_interaction_at, last_client_seq, last_activity_at, connection_id, previous_token_hash, applied_client_seq";
  private static final String LIVE = "ended = 0 AND awaiting_resume = 0 AND connections > 0";

  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;
  /** Where write transactions run: one thread for SQLite, the pool for PostgreSQL. */
  private final WorkerExecutor writer;
  private final StoreConfig config;

  private JdbcSessionStore(HikariDataSource dataSource, WorkerExecutor workers, WorkerExecutor writer,
                           StoreConfig config) {
    this.dataSource = dataSource;
    this.workers = workers;
    this.writer = writer;
    this.config = config;
  }

  /** Opens the store described by {@code config} and brings its schema up to date. */
  static Future<SessionStore> open(Vertx vertx, StoreConfig config) {
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
        LOG.info("[SessionStore] {} store ready at schema version {}", config.kind().name().toLowerCase(), version);
        return (SessionStore) new JdbcSessionStore(dataSource, workers, writer, config);
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
    return workers.executeBlocking(work, false);
  }

  /** A write transaction of the session's own (not the periodic activity batch): counted, then run. */
  private <T> Future<T> write(Callable<T> work) {
    writes.increment();
    return batchWrite(work);
  }

  /** A write transaction that is not a session's own (the activity batch): in turn with the others, uncounted. */
  private <T> Future<T> batchWrite(Callable<T> work) {
    return writer.executeBlocking(work, false);
  }

  @Override
  public long writeTransactions() {
    return writes.sum();
  }

  @Override
  public Future<Void> insert(SessionRecord s) {
    return write(() -> {
      try (Connection c = dataSource.getConnection();
           PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (" + COLUMNS
               + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, s.sessionId());
        ps.setLong(2, s.version());
        int i = bindState(ps, 3, s);
        ps.setLong(i++, s.startedAt());
        ps.setLong(i++, s.lastHeartbeatAt());
        ps.setLong(i++, s.lastAudioActivityAt());
        ps.setLong(i++, s.lastInteractionAt());
        ps.setLong(i++, s.lastClientSeq());
        ps.setLong(i++, s.lastActivityAt());
        ps.setString(i++, s.connectionId());
        ps.setString(i++, s.previousTokenHash());
        ps.setLong(i, s.appliedClientSeq());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<SessionRecord> find(String sessionId) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        return read(c, sessionId);
      }
    });
  }

  @Override
  public Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          // Without the history: no change reads or writes turns, and most callers need none.
          SessionRecord current = readRow(c, sessionId);
          if (current == null) {
            throw new NoSuchElementException("no session " + sessionId);
          }
          SessionRecord changed = change.apply(current);
          int liveDelta = (changed.live() ? 1 : 0) - (current.live() ? 1 : 0);
          if (liveDelta == 0 ? write(c, current.version(), changed) : writeCounted(c, current.version(), changed, liveDelta)) {
            return changed.withVersion(current.version() + 1);
          }
        }
        throw new IllegalStateException("too much contention on session " + sessionId);
      }
    });
  }

  @Override
  public Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sessions WHERE session_id = ?")) {
          ps.setString(1, sessionId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new NoSuchElementException("no session " + sessionId);
            }
          }
        }
        List<Turn> turns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT item_id, role, text FROM session_turns "
            + "WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
          ps.setString(1, sessionId);
          ps.setLong(2, afterPosition);
          ps.setInt(3, limit + 1);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              turns.add(new Turn(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
          }
        }
        boolean more = turns.size() > limit;
        return new TranscriptPage(afterPosition, more ? turns.subList(0, limit) : turns, more);
      }
    });
  }

  @Override
  public Future<Void> markApplied(String sessionId, long clientSeq) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        markApplied(c, sessionId, clientSeq);
      }
      return null;
    });
  }

  private static void markApplied(Connection c, String sessionId, long clientSeq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET applied_client_seq = "
        + later("applied_client_seq") + " WHERE session_id = ?")) {
      int i = bindLater(ps, 1, clientSeq);
      ps.setString(i, sessionId);
      ps.executeUpdate();
    }
  }

  /**
   * Appends a turn at the next position of the session's history, unless a turn with its item id is there
   * already. Runs inside the transaction that holds the session row's write lock, so positions never race.
   */
  private static void insertTurn(Connection c, String sessionId, Turn turn, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM session_turns WHERE session_id = ? AND item_id = ?")) {
      ps.setString(1, sessionId);
      ps.setString(2, turn.itemId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    int next;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COALESCE(MAX(seq), 0) FROM session_turns WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        next = rs.getInt(1) + 1;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO session_turns (session_id, seq, item_id, role, text, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, sessionId);
      ps.setInt(2, next);
      ps.setString(3, turn.itemId());
      ps.setString(4, turn.role());
      ps.setString(5, turn.text());
      ps.setLong(6, now);
      ps.executeUpdate();
    }
  }

  @Override
  public Future<Void> close() {
    return workers.<Void>executeBlocking(() -> {
      dataSource.close();
      return null;
    }, false).eventually(() -> (writer == workers ? workers.close()
        : writer.close().eventually(workers::close)).mapEmpty());
  }

  private static SessionRecord read(Connection c, String sessionId) throws SQLException {
    SessionRecord row = readRow(c, sessionId);
    return row == null ? null : row.toBuilder().history(recentTurns(c, sessionId)).build();
  }

  /** The session's row, with an empty history. */
  private static SessionRecord readRow(Connection c, String sessionId) throws SQLException {
    SessionRecord row;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        row = new SessionRecord(rs.getString(1), rs.getLong(2), rs.getString(3), questions(rs.getString(4)),
            rs.getLong(5), rs.getString(6), rs.getLong(7), rs.getInt(8), rs.getInt(9) != 0, rs.getInt(10) != 0,
            rs.getInt(11) != 0, rs.getInt(12) != 0, rs.getString(13), rs.getString(14), rs.getString(15),
            rs.getInt(16), rs.getLong(17), rs.getLong(18), rs.getLong(19), rs.getLong(20), rs.getLong(21),
            rs.getLong(25), rs.getString(23), rs.getString(24), List.of());
      }
    }
    return row;
  }

  /** The most recent turns of a session, oldest first. */
  private static List<Turn> recentTurns(Connection c, String sessionId) throws SQLException {
    List<Turn> turns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT item_id, role, text FROM session_turns "
        + "WHERE session_id = ? ORDER BY seq DESC LIMIT " + SessionRecord.MAX_HISTORY)) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          turns.add(new Turn(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    Collections.reverse(turns);
    return turns;
  }

  /** Timestamps only ever move forward, whoever writes: a state change never undoes newer activity. */
  private static final String FORWARD_TIMES = "last_heartbeat_at = " + later("last_heartbeat_at")
      + ", last_audio_activity_at = " + later("last_audio_activity_at")
      + ", last_interaction_at = " + later("last_interaction_at")
      + ", last_activity_at = " + later("last_activity_at");

  private static String later(String column) {
    return "CASE WHEN ? > " + column + " THEN ? ELSE " + column + " END";
  }

  private static int bindLater(PreparedStatement ps, int index, long value) throws SQLException {
    ps.setLong(index, value);
    ps.setLong(index + 1, value);
    return index + 2;
  }

  private static boolean write(Connection c, long expectedVersion, SessionRecord s) throws SQLException {
    // instructions, questions and created_at never change after creation: they are not written again.
    try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET version = ?, token_hash = ?, "
        + "token_expires_at = ?, current_question_index = ?, paused = ?, "
        + "awaiting_resume = ?, text_only = ?, ended = ?, termination_reason = ?, relay_node = ?, gateway_node = ?, "
        + "connections = ?, started_at = ?, last_client_seq = ?, connection_id = ?, previous_token_hash = ?, "
        + FORWARD_TIMES
        + " WHERE session_id = ? AND version = ?")) {
      ps.setLong(1, expectedVersion + 1);
      int i = bindMutableState(ps, 2, s);
      ps.setLong(i++, s.startedAt());
      ps.setLong(i++, s.lastClientSeq());
      ps.setString(i++, s.connectionId());
      ps.setString(i++, s.previousTokenHash());
      i = bindLater(ps, i, s.lastHeartbeatAt());
      i = bindLater(ps, i, s.lastAudioActivityAt());
      i = bindLater(ps, i, s.lastInteractionAt());
      i = bindLater(ps, i, s.lastActivityAt());
      ps.setString(i++, s.sessionId());
      ps.setLong(i, expectedVersion);
      return ps.executeUpdate() == 1;
    }
  }

  /** A change that makes the session live or not: the row and the live count move in one transaction. */
  private static boolean writeCounted(Connection c, long expectedVersion, SessionRecord s, int liveDelta)
      throws SQLException {
    // A lost version race wrote nothing: committing that empty transaction changes nothing either.
    return inTransaction(c, () -> {
      if (!write(c, expectedVersion, s)) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE session_counts SET live = live + ? WHERE id = 1")) {
        ps.setInt(1, liveDelta);
        ps.executeUpdate();
      }
      return true;
    });
  }

  /** JDBC work that returns a value. */
  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} as one transaction on {@code c}: committed if it returns, rolled back if it throws. */
  private static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Binds the state columns after {@code version}, from {@code index}; returns the next free index. */
  private static int bindState(PreparedStatement ps, int index, SessionRecord s) throws SQLException {
    int i = index;
    ps.setString(i++, s.instructions());
    ps.setString(i++, Json.write(s.questions()));
    ps.setLong(i++, s.createdAt());
    return bindMutableState(ps, i, s);
  }

  /** Binds the columns a change may touch, from {@code token_hash} to {@code connections}. */
  private static int bindMutableState(PreparedStatement ps, int index, SessionRecord s) throws SQLException {
    int i = index;
    ps.setString(i++, s.tokenHash());
    ps.setLong(i++, s.tokenExpiresAt());
    ps.setInt(i++, s.currentQuestionIndex());
    ps.setInt(i++, s.paused() ? 1 : 0);
    ps.setInt(i++, s.awaitingResume() ? 1 : 0);
    ps.setInt(i++, s.textOnly() ? 1 : 0);
    ps.setInt(i++, s.ended() ? 1 : 0);
    ps.setString(i++, s.terminationReason());
    ps.setString(i++, s.relayNode());
    ps.setString(i++, s.gatewayNode());
    ps.setInt(i++, s.connections());
    return i;
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
        return inTransaction(c, () -> {
          for (Activity a : activities) {
            int i = bindLater(ps, 1, a.heartbeatAt());
            i = bindLater(ps, i, a.audioAt());
            i = bindLater(ps, i, a.audioAt());
            ps.setString(i, a.sessionId());
            ps.addBatch();
          }
          ps.executeBatch();
          for (Activity a : activities) {
            if (a.ackSeq() > 0) {
              prune(c, a.sessionId(), "seq <= ?", a.ackSeq());
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
          live = rs.next() ? rs.getInt(1) : 0;
        }
        return new ExpiredSessions(new ArrayList<>(found.values()), live);
      }
    });
  }

  @Override
  public Future<List<String>> appendEvents(String sessionId, List<String> events, List<Turn> turns,
                                           long appliedClientSeq, long now) {
    return write(() -> {
      try (Connection c = dataSource.getConnection()) {
        for (int attempt = 1; ; attempt++) {
          try {
            return appendEvents(c, sessionId, events, turns, appliedClientSeq, now);
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

  /**
   * Reserves the seqs first (taking the session row's write lock), then appends the turns, stores the events
   * and drops what is past the replay bound, in one transaction: numbering is gap-free and follows the order
   * of appends, and a turn is in the history exactly when its event is in the stream.
   */
  private List<String> appendEvents(Connection c, String sessionId, List<String> events, List<Turn> turns,
                                    long appliedClientSeq, long now) throws SQLException {
    return inTransaction(c, () -> {
      long last;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sessions SET last_event_seq = last_event_seq + ? WHERE session_id = ?")) {
        ps.setLong(1, events.size() * EventSeq.STRIDE);
        ps.setString(2, sessionId);
        if (ps.executeUpdate() != 1) {
          throw new NoSuchElementException("no session " + sessionId);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT last_event_seq FROM sessions WHERE session_id = ?")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          last = rs.getLong(1);
        }
      }
      for (Turn turn : turns) {
        insertTurn(c, sessionId, turn, now);
      }
      if (appliedClientSeq > 0) {
        markApplied(c, sessionId, appliedClientSeq);
      }
      List<String> stamped = new ArrayList<>(events.size());
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO session_events (session_id, seq, created_at, event) VALUES (?, ?, ?, ?)")) {
        long seq = last - events.size() * EventSeq.STRIDE;
        for (String event : events) {
          seq += EventSeq.STRIDE;
          String withSeq = Sequenced.stamp(event, seq);
          stamped.add(withSeq);
          ps.setString(1, sessionId);
          ps.setLong(2, seq);
          ps.setLong(3, now);
          ps.setString(4, withSeq);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      prune(c, sessionId, "seq <= ?", last - EventSeq.durable(config.replayMaxEvents()));
      prune(c, sessionId, "created_at < ?", now - config.replayMaxAgeMs());
      return stamped;
    });
  }

  /** Deletes a session's events matching {@code condition} and raises its floor past them. */
  private static void prune(Connection c, String sessionId, String condition, long value) throws SQLException {
    int deleted;
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM session_events WHERE session_id = ? AND " + condition)) {
      ps.setString(1, sessionId);
      ps.setLong(2, value);
      deleted = ps.executeUpdate();
    }
    if (deleted > 0) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET event_floor = COALESCE("
          + "(SELECT MIN(seq) FROM session_events WHERE session_id = ?), last_event_seq + " + EventSeq.STRIDE
          + ") WHERE session_id = ?")) {
        ps.setString(1, sessionId);
        ps.setString(2, sessionId);
        ps.executeUpdate();
      }
    }
  }

  @Override
  public Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory) {
    return blocking(() -> {
      try (Connection c = dataSource.getConnection()) {
        long floor;
        long last;
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT event_floor, last_event_seq FROM sessions WHERE session_id = ?")) {
          ps.setString(1, sessionId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new NoSuchElementException("no session " + sessionId);
            }
            floor = rs.getLong(1);
            last = rs.getLong(2);
          }
        }
        // Read after last_event_seq: turns are stored with their events, so this holds every turn up to it.
        List<Turn> history = withHistory ? recentTurns(c, sessionId) : List.of();
        List<String> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT event FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq")) {
          ps.setString(1, sessionId);
          ps.setLong(2, afterSeq);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              events.add(rs.getString(1));
            }
          }
        }
        // Some durable event after afterSeq is gone when the first one the client needs is below the floor.
        return new Replay(events, afterSeq < last && EventSeq.nextDurable(afterSeq) < floor, last, history);
      }
    });
  }

  private static void collect(Connection c, String condition, long cutoff, Map<String, SessionTimes> into)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT session_id, started_at, last_heartbeat_at, "
        + "last_audio_activity_at, last_interaction_at, paused FROM sessions WHERE " + LIVE + " AND " + condition)) {
      ps.setLong(1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          into.putIfAbsent(rs.getString(1), new SessionTimes(rs.getString(1), rs.getLong(2), rs.getLong(3),
              rs.getLong(4), rs.getLong(5), rs.getInt(6) != 0));
        }
      }
    }
  }

  private static List<String> questions(String json) {
    try {
      return Json.MAPPER.readValue(json, STRING_LIST);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable questions column", e);
    }
  }
}
