package io.voxrelay.session;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a store failure is contention that passes, not a fault: the store's queue was full, no connection came
 * free in time, or the database's write lock was held past the database timeout (SQLite's {@code SQLITE_BUSY} or
 * {@code SQLITE_LOCKED}; PostgreSQL's {@code lock_timeout} or {@code statement_timeout}). Its callers answer
 * {@code UNAVAILABLE}, and the sender tries again later.
 */
final class StoreContention {

  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  /** PostgreSQL's lock_not_available (lock_timeout) and query_canceled (statement_timeout). */
  private static final String PG_LOCK_NOT_AVAILABLE = "55P03";
  private static final String PG_QUERY_CANCELED = "57014";
  /** How deep into the causes to look (a cause chain can loop). */
  private static final int MAX_DEPTH = 8;

  private StoreContention() {
  }

  static boolean is(Throwable failure) {
    Throwable e = failure;
    for (int depth = 0; e != null && depth < MAX_DEPTH; depth++, e = e.getCause()) {
      if (e instanceof StoreQueue.StoreBusyException || e instanceof SQLTransientConnectionException) {
        return true;
      }
      if (e instanceof SQLException sql && (sqliteBusy(sql) || PG_LOCK_NOT_AVAILABLE.equals(sql.getSQLState())
          || PG_QUERY_CANCELED.equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** SQLite's result code, primary part (an extended code such as SQLITE_BUSY_SNAPSHOT keeps it in its low byte). */
  private static boolean sqliteBusy(SQLException e) {
    if (!(e instanceof org.sqlite.SQLiteException)) {
      return false;
    }
    int primary = e.getErrorCode() & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  }
}
