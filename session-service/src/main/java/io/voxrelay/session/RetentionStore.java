package io.voxrelay.session;

import io.vertx.core.Future;

/** The store's retention: what is deleted once it is old enough, or on request. Its I/O runs off the event loop. */
interface RetentionStore {

  /**
   * Deletes, with their history and events, up to {@code batch} sessions that ended, or await resume, and
   * have had no client heartbeat since {@code cutoff}. Each indexed range query reads only what it deletes.
   * Returns how many were deleted; a caller repeats while a whole batch went.
   */
  Future<Integer> purgeRetired(long cutoff, int batch);

  /**
   * Deletes the stored events created before {@code cutoff} (past the replay age) of up to {@code batch}
   * sessions, ended ones included, through an index on their age. Returns how many sessions were pruned; a
   * caller repeats while a whole batch went.
   */
  Future<Integer> pruneExpiredEvents(long cutoff, int batch);

  /**
   * Erases session {@code sessionId} in one transaction: every row of it, its undelivered webhooks included,
   * and queues a {@code session.deleted} webhook with its id only. That one is first tried once any delivery of
   * the session that may be under way has ended, {@code inFlightBoundMs} (one attempt's deadline) after
   * {@code now} when one is, so it never overtakes one. False when there is no such session.
   */
  Future<Boolean> erase(String sessionId, long now, long inFlightBoundMs);
}
