package io.voxrelay.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Small JDBC helpers the store's statements share: transactions and forward-only timestamps. */
final class Sql {

  private Sql() {
  }

  /** JDBC work that returns a value. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} as one transaction on {@code c}: committed if it returns, rolled back if it throws. */
  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
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

  /** How often a write that lost a version race to another writer of the same session is tried again. */
  static final int MAX_ATTEMPTS = 32;

  /**
   * Runs {@code attempt} until it returns a value: null means another writer of session {@code sessionId} won the
   * race, and the attempt reads the fresh row again. Fails after {@link #MAX_ATTEMPTS}.
   */
  static <T> T untilWritten(String sessionId, Work<T> attempt) throws SQLException {
    for (int i = 1; i <= MAX_ATTEMPTS; i++) {
      T written = attempt.run();
      if (written != null) {
        return written;
      }
    }
    throw new IllegalStateException("too much contention on session " + sessionId);
  }

  /** An expression that keeps the later of {@code column} and a bound value (bind it with {@link #bindLater}). */
  static String later(String column) {
    return "CASE WHEN ? > " + column + " THEN ? ELSE " + column + " END";
  }

  /** Binds {@code value} for one {@link #later} expression at {@code index}; returns the next free index. */
  static int bindLater(PreparedStatement ps, int index, long value) throws SQLException {
    ps.setLong(index, value);
    ps.setLong(index + 1, value);
    return index + 2;
  }
}
