package io.voxrelay.session;

import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.config.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The watchdog sweep's store query ({@link ActivityStore#findExpired}) over many stored live sessions of which a
 * fraction has expired: the work per cycle beyond the terminations themselves. Lives in the store's package
 * because the store is internal to the session service.
 */
public final class SweepBench {

  /** Milliseconds per sweep query, over repeated runs. */
  public record Result(String store, int sessions, int expired, double medianMs, double p90Ms) {
  }

  private static final long NOW = 10_000_000_000L;
  private static final long HEARTBEAT_TIMEOUT_MS = 90_000;

  private SweepBench() {
  }

  public static Result sqlite(int sessions, double expiredFraction) throws Exception {
    Path dir = Files.createTempDirectory("voxrelay-sweep");
    StoreConfig config = StoreConfig.sqlite(dir);
    return run("SQLite", config, "jdbc:sqlite:" + dir.resolve("voxrelay.db"), sessions, expiredFraction);
  }

  public static Result postgres(int sessions, double expiredFraction) throws Exception {
    try (TestPostgres postgres = TestPostgres.start()) {
      String url = postgres.jdbcUrl();
      try (Connection c = DriverManager.getConnection(url); var s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS voxrelay_sweep");
        s.execute("CREATE DATABASE voxrelay_sweep");
      }
      String db = url.replace("/postgres?", "/voxrelay_sweep?");
      StoreConfig config = new StoreConfig(StoreConfig.Kind.POSTGRES, null, db, null, java.util.Optional.empty(), 4,
          60_000, StoreConfig.REPLAY_MAX_EVENTS, StoreConfig.REPLAY_MAX_AGE_MS, io.voxrelay.common.config.LeaseConfig.TTL_MS,
          StoreConfig.DEFAULT_BUS_TIMEOUT_MS);
      return run("PostgreSQL", config, db, sessions, expiredFraction);
    }
  }

  private static Result run(String name, StoreConfig config, String jdbcUrl, int sessions, double expiredFraction)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    SessionStore store = await(JdbcSessionStore.open(vertx, config));
    try {
      int expired = (int) Math.round(sessions * expiredFraction);
      fill(jdbcUrl, sessions, expired);
      FindExpired query = new FindExpired(NOW, 3_600_000, HEARTBEAT_TIMEOUT_MS, 300_000);
      for (int i = 0; i < 5; i++) {
        check(await(store.activity().findExpired(query)), expired, sessions);
      }
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        long started = System.nanoTime();
        check(await(store.activity().findExpired(query)), expired, sessions);
        millis.add((System.nanoTime() - started) / 1e6);
      }
      Collections.sort(millis);
      return new Result(name, sessions, expired, millis.get(millis.size() / 2), millis.get((int) (millis.size() * 0.9)));
    } finally {
      await(store.close());
      await(vertx.close());
    }
  }

  private static void check(ExpiredSessions found, int expired, int live) {
    if (found.candidates().size() != expired || found.liveSessions() != live) {
      throw new IllegalStateException("the sweep found " + found.candidates().size() + " of " + expired
          + " expired sessions and " + found.liveSessions() + " of " + live + " live ones");
    }
  }

  /** Live sessions, connected once; the first {@code expired} have been silent past the heartbeat timeout. */
  private static void fill(String jdbcUrl, int sessions, int expired) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO sessions (session_id, version, instructions, questions, created_at, token_hash, token_expires_at, "
            + "current_question_index, paused, awaiting_resume, text_only, ended, connections, last_heartbeat_at, "
            + "last_audio_activity_at, last_interaction_at, last_client_seq, started_at, last_activity_at) "
            + "VALUES (?, 0, 'bench', '[\"One?\"]', ?, ?, ?, 0, 0, 0, 0, 0, 1, ?, ?, ?, 0, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < sessions; i++) {
        long heartbeat = i < expired ? NOW - HEARTBEAT_TIMEOUT_MS - 60_000 : NOW - 5_000;
        ps.setString(1, String.format("s_bench_%08d", i));
        ps.setLong(2, NOW - 600_000);
        ps.setString(3, "ab".repeat(32));
        ps.setLong(4, NOW + 86_400_000);
        ps.setLong(5, heartbeat);
        ps.setLong(6, NOW - 5_000);
        ps.setLong(7, NOW - 5_000);
        ps.setLong(8, NOW - 600_000);
        ps.setLong(9, NOW - 5_000);
        ps.addBatch();
        if (i % 5_000 == 4_999) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      // Written behind the store's back, so the live count it keeps is set here too.
      try (var count = c.createStatement()) {
        count.executeUpdate("UPDATE session_counts SET live = (SELECT COUNT(*) FROM sessions "
            + "WHERE ended = 0 AND awaiting_resume = 0 AND connections > 0) WHERE id = 1");
      }
      c.commit();
      c.setAutoCommit(true);
      try (var statistics = c.createStatement()) {
        statistics.execute("ANALYZE");
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }
}
