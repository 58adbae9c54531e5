package io.voxrelay.session;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.voxrelay.common.Polls;
import io.voxrelay.common.config.StoreConfig;
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
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the store's work runs, the one place of its connection shape: a connection from the pool for each piece
 * of work, reads on the worker pool, write transactions taking turns on the writer (one thread for SQLite, whose
 * connections would otherwise wait on each other in its busy handler; the pool for PostgreSQL), each queue
 * bounded ({@link StoreQueue}). Never on an event loop.
 */
final class StoreExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(StoreExecutor.class);

  /** Work on one connection. */
  interface Work<T> {
    T run(Connection c) throws Exception;
  }

  private final Vertx vertx;
  private final HikariDataSource dataSource;
  private final WorkerExecutor workers;
  private final WorkerExecutor writer;
  private final StoreQueue readQueue;
  private final StoreQueue writeQueue;
  private final LongAdder writes = new LongAdder();
  /** SQLite's statements, kept per connection; none for PostgreSQL, whose driver keeps its own. */
  private final StatementCache statements;

  private StoreExecutor(Vertx vertx, HikariDataSource dataSource, WorkerExecutor workers, WorkerExecutor writer,
                        StatementCache statements) {
    this.vertx = vertx;
    this.statements = statements;
    this.dataSource = dataSource;
    this.workers = workers;
    this.writer = writer;
    SessionMetrics metrics = SessionMetrics.of(vertx);
    this.readQueue = new StoreQueue("read", workers, metrics.storeLatency("read"));
    this.writeQueue = new StoreQueue("write", writer, metrics.storeLatency("write"));
  }

  /**
   * Opens the pool for {@code config} and runs {@code setUp} (the migrations) on one of its workers before
   * anything else; closes all again if that fails.
   */
  static <T> Future<T> open(Vertx vertx, StoreConfig config, SetUp<T> setUp) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("voxrelay-session-store", config.poolSize());
    WorkerExecutor writer = config.kind() == StoreConfig.Kind.SQLITE
        ? vertx.createSharedWorkerExecutor("voxrelay-session-writer", 1) : workers;
    return workers.executeBlocking(() -> {
      HikariDataSource dataSource = dataSource(config);
      try {
        StatementCache statements = config.kind() == StoreConfig.Kind.SQLITE ? new StatementCache() : null;
        return setUp.run(new StoreExecutor(vertx, dataSource, workers, writer, statements), dataSource);
      } catch (Exception e) {
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

  /** What a store does first, on a worker, with its pool. */
  interface SetUp<T> {
    T run(StoreExecutor executor, HikariDataSource dataSource) throws Exception;
  }

  /** A read, on the pool. */
  <T> Future<T> read(Work<T> work) {
    return readQueue.submit(() -> onConnection(work));
  }

  /** A write transaction of a session's own: counted ({@link #writeTransactions}), then run in turn. */
  <T> Future<T> write(Work<T> work) {
    writes.increment();
    return batchWrite(work);
  }

  /** A write transaction that is not a session's own (a periodic batch): in turn with the others, uncounted. */
  <T> Future<T> batchWrite(Work<T> work) {
    return writeQueue.submit(() -> onConnection(work));
  }

  /** The write transactions of sessions' own so far. */
  long writeTransactions() {
    return writes.sum();
  }

  /** Completes once nothing is queued or running, or after {@code timeoutMs}. */
  Future<Void> drain(long timeoutMs) {
    return Polls.until(vertx, () -> readQueue.pending() + writeQueue.pending() == 0, timeoutMs)
        .onSuccess(v -> {
          int left = readQueue.pending() + writeQueue.pending();
          if (left > 0) {
            LOG.warn("[SessionStore] closing with {} requests still under way after {} ms", left, timeoutMs);
          }
        });
  }

  /** Whether the database answers a trivial query. */
  Future<Void> ping() {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
      return null;
    });
  }

  Future<Void> close() {
    return workers.<Void>executeBlocking(() -> {
      dataSource.close();
      return null;
    }, false).eventually(() -> (writer == workers ? workers.close()
        : writer.close().eventually(workers::close)).mapEmpty());
  }

  private <T> T onConnection(Work<T> work) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      return work.run(statements == null ? c : statements.on(c));
    }
  }

  private static HikariDataSource dataSource(StoreConfig config) throws IOException {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("voxrelay-sessions");
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    // Every wait on the database ends inside the callers' own wait (StoreConfig.databaseTimeoutMs).
    long timeoutMs = config.databaseTimeoutMs();
    hikari.setConnectionTimeout(timeoutMs);
    if (config.kind() == StoreConfig.Kind.SQLITE) {
      Files.createDirectories(config.dataDir());
      hikari.setJdbcUrl("jdbc:sqlite:" + config.dataDir().resolve("voxrelay.db").toAbsolutePath());
      // WAL lets readers run beside the writer; other processes on this host share the file safely.
      hikari.setConnectionInitSql("PRAGMA busy_timeout = " + timeoutMs);
      hikari.addDataSourceProperty("journal_mode", "WAL");
      hikari.addDataSourceProperty("synchronous", "NORMAL");
      // Transactions take the write lock when they begin, waiting up to the busy timeout: a transaction that
      // reads and then writes can never be refused its upgrade half-way (SQLITE_BUSY without waiting).
      hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      hikari.setJdbcUrl(config.jdbcUrl());
      long seconds = Math.max(1, (timeoutMs + 999) / 1000);
      hikari.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
      // A read stuck on a dead server ends too; a statement ends at the server first (statement_timeout).
      hikari.addDataSourceProperty("socketTimeout", String.valueOf(seconds + 1));
      hikari.addDataSourceProperty("options", "-c statement_timeout=" + timeoutMs + " -c lock_timeout=" + timeoutMs);
      if (config.user() != null) {
        hikari.setUsername(config.user());
      }
      config.password().ifPresent(p -> hikari.setPassword(p.reveal()));
    }
    return new HikariDataSource(hikari);
  }
}
