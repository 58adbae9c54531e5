package io.voxrelay.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations, the same scripts for SQLite and PostgreSQL ({@code db/migration/V<n>__*.sql}).
 * Each runs in its own transaction and is recorded in {@code voxrelay_schema}; instances starting together
 * serialise (an advisory lock on PostgreSQL, the write lock on SQLite) and skip what another applied.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The migrations in order. Add new ones at the end; never edit one that has shipped. */
  static final List<String> SCRIPTS = List.of("V1__sessions.sql", "V2__hygiene.sql", "V3__delivery.sql",
      "V4__turns_by_item.sql", "V5__live_count.sql", "V6__durable_seq_stride.sql", "V7__events_by_age.sql",
      "V8__fencing.sql", "V9__session_api.sql", "V10__webhooks.sql", "V11__tools.sql",
      "V12__upstream_options.sql", "V13__usage.sql", "V14__limits.sql", "V15__budgets.sql",
      "V16__truncated_turns.sql", "V17__relay_leases.sql", "V18__one_client_cursor.sql");

  private static final long POSTGRES_LOCK_KEY = 0x766f7872656c6179L; // "voxrelay"
  private static final int ATTEMPTS = 5;

  private Migrations() {
  }

  /** Brings the schema up to date; returns the version it is at. */
  static int apply(DataSource dataSource, boolean postgres) throws SQLException {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        return applyAll(c, postgres);
      } catch (SQLException e) {
        // Another instance migrating at the same moment: look again at what is applied.
        last = e;
        sleep(50L * attempt);
      }
    }
    throw last;
  }

  private static int applyAll(Connection c, boolean postgres) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS voxrelay_schema (version INTEGER PRIMARY KEY, "
          + "script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
      if (postgres) {
        // Migrations (and waiting for another instance's) may take longer than any request: no statement timeout
        // on this connection until they are done.
        s.execute("SET statement_timeout = 0");
        s.execute("SET lock_timeout = 0");
        s.execute("SELECT pg_advisory_lock(" + POSTGRES_LOCK_KEY + ")");
      }
    }
    try {
      int version = 0;
      for (int i = 0; i < SCRIPTS.size(); i++) {
        version = i + 1;
        if (!applied(c, version)) {
          applyOne(c, version, SCRIPTS.get(i));
        }
      }
      return version;
    } finally {
      if (postgres) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + POSTGRES_LOCK_KEY + ")");
          s.execute("RESET statement_timeout");
          s.execute("RESET lock_timeout");
        }
      }
    }
  }

  private static boolean applied(Connection c, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM voxrelay_schema WHERE version = ?")) {
      ps.setInt(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void applyOne(Connection c, int version, String script) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String sql : statements(script)) {
        s.execute(sql);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO voxrelay_schema (version, script, applied_at) VALUES (?, ?, ?)")) {
        ps.setInt(1, version);
        ps.setString(2, script);
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
      }
      c.commit();
      LOG.info("[SessionStore] applied schema migration {}", script);
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The statements of a script: split on semicolons ending a line, comments dropped. */
  static List<String> statements(String script) {
    String text;
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + script);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        statements.add(current.toString().strip().replaceAll(";$", ""));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
