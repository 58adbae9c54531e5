package io.voxrelay.session;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQLite statement cache on a real pooled SQLite database. */
class StatementCacheTest {

  @TempDir
  Path dir;

  private HikariDataSource pool;
  private final StatementCache cache = new StatementCache();

  @BeforeEach
  void open() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("cache.db"));
    config.setMaximumPoolSize(1);
    config.addDataSourceProperty("journal_mode", "WAL");
    pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    }
  }

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void theSameSqlOnTheSameConnectionReusesItsStatementAcrossLoans() throws SQLException {
    PreparedStatement first;
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      first = ps.unwrap(PreparedStatement.class);
      ps.setInt(1, 1);
      ps.setString(2, "one");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(first);
      ps.setInt(1, 2);
      ps.setString(2, "two");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(count()).isEqualTo(2);
  }

  @Test
  void aStatementInUseIsNotLentTwice() throws SQLException {
    try (Connection c = cache.on(pool.getConnection());
         PreparedStatement outer = c.prepareStatement("SELECT v FROM t WHERE k = ?");
         PreparedStatement inner = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
      assertThat(inner.unwrap(PreparedStatement.class)).isNotSameAs(outer.unwrap(PreparedStatement.class));
    }
  }

  @Test
  void aClosedStatementRefusesWorkAndTheNextLoanStartsWithoutTheOldBindings() throws SQLException {
    insert(1, "one");
    PreparedStatement lent;
    try (Connection c = cache.on(pool.getConnection())) {
      lent = c.prepareStatement("SELECT v FROM t WHERE k = ?");
      lent.setInt(1, 1);
      lent.close();
      assertThat(lent.isClosed()).isTrue();
      assertThatThrownBy(lent::executeQuery).isInstanceOf(SQLException.class);
      try (PreparedStatement again = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
        // An unbound parameter is NULL in SQLite: no row, where a kept binding would have found "one".
        try (ResultSet rs = again.executeQuery()) {
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  @Test
  void aResultLeftOpenIsClosedWhenItsStatementGoesBackSoLaterReadsSeeNewRows() throws SQLException {
    insert(1, "one");
    insert(2, "two");
    try (Connection c = cache.on(pool.getConnection())) {
      PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY k");
      ResultSet rs = ps.executeQuery();
      assertThat(rs.next()).isTrue();
      ps.close();
      assertThat(rs.isClosed()).isTrue();
    }
    insert(3, "three");
    assertThat(count()).isEqualTo(3);
  }

  @Test
  void eachConnectionKeepsAtMostItsBoundOfStatements() throws SQLException {
    PreparedStatement oldest;
    try (Connection c = cache.on(pool.getConnection())) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 0")) {
        oldest = ps.unwrap(PreparedStatement.class);
      }
      for (int i = 1; i <= StatementCache.PER_CONNECTION; i++) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + i)) {
          ps.executeQuery().close();
        }
      }
    }
    assertThat(oldest.isClosed()).isTrue();
  }

  @Test
  void aConnectionThePoolClosedIsForgottenWithItsStatements() throws SQLException {
    PreparedStatement before;
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      before = ps.unwrap(PreparedStatement.class);
    }
    Connection physical = before.getConnection();
    pool.getHikariPoolMXBean().softEvictConnections();
    // The pool closes an evicted connection on a thread of its own.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!physical.isClosed() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(physical.isClosed()).isTrue();
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      assertThat(ps.unwrap(PreparedStatement.class)).isNotSameAs(before);
      // Closing a SQLite connection finalized its statements (the statement object itself still says open).
      assertThatThrownBy(before::executeQuery).isInstanceOf(SQLException.class);
    }
  }

  private void insert(int k, String v) throws SQLException {
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      ps.setInt(1, k);
      ps.setString(2, v);
      ps.executeUpdate();
    }
  }

  private int count() throws SQLException {
    try (Connection c = cache.on(pool.getConnection()); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM t");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
