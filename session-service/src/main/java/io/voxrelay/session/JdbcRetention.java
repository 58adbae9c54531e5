package io.voxrelay.session;

import io.vertx.core.Future;

/** {@link RetentionStore} on JDBC: batches of retired sessions ({@link RetiredSessions}) and of expired events. */
final class JdbcRetention implements RetentionStore {

  private final StoreExecutor executor;

  JdbcRetention(StoreExecutor executor) {
    this.executor = executor;
  }

  @Override
  public Future<Integer> purgeRetired(long cutoff, int batch) {
    return executor.batchWrite(c -> Sql.inTransaction(c, () -> RetiredSessions.purge(c, cutoff, batch)));
  }

  @Override
  public Future<Boolean> erase(String sessionId, long now, long inFlightBoundMs) {
    return executor.write(c -> Sql.inTransaction(c, () -> RetiredSessions.erase(c, sessionId, now, inFlightBoundMs)));
  }

  @Override
  public Future<Integer> pruneExpiredEvents(long cutoff, int batch) {
    return executor.batchWrite(c -> Sql.inTransaction(c, () -> EventLog.pruneExpired(c, cutoff, batch)));
  }
}
