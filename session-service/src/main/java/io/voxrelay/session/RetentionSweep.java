package io.voxrelay.session;

import io.voxrelay.common.config.RetentionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.function.IntFunction;

/**
 * Deletes finished sessions after the retention period ({@link RetentionConfig}), and every session's events
 * past the replay age (an ended session is appended to no more, so nothing else prunes its events). Every
 * sweep interval, in batches of {@link #BATCH}, at most {@link #MAX_BATCHES} a sweep of each kind, so one
 * sweep's work stays bounded and a backlog goes over several. Every session-service instance sweeps; a delete
 * is idempotent, so two that meet only repeat a little work.
 */
final class RetentionSweep {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);
  static final int BATCH = 500;
  static final int MAX_BATCHES = 20;

  private final Vertx vertx;
  private final SessionStore store;
  private final RetentionConfig config;
  private final long replayMaxAgeMs;
  private final Clock clock;
  private long timer = -1;
  private boolean sweeping;

  /** @param replayMaxAgeMs how long a stored event is kept for replay */
  RetentionSweep(Vertx vertx, SessionStore store, RetentionConfig config, long replayMaxAgeMs, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.replayMaxAgeMs = replayMaxAgeMs;
    this.clock = clock;
  }

  void start() {
    timer = vertx.setPeriodic(config.sweepIntervalMs(), t -> sweep());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** One sweep; completes with the number of sessions deleted (their events pruned is logged). */
  Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    long now = clock.millis();
    long cutoff = now - config.retentionMs();
    return batches(b -> store.retention().purgeRetired(cutoff, b), 0, 0)
        .compose(deleted -> batches(b -> store.retention().pruneExpiredEvents(now - replayMaxAgeMs, b), 0, 0)
            .map(pruned -> {
              if (deleted > 0 || pruned > 0) {
                LOG.info("[SessionService] retention: deleted {} sessions finished before {}; pruned the expired "
                    + "events of {}", deleted, cutoff, pruned);
              }
              return deleted;
            }))
        .onFailure(e -> LOG.warn("[SessionService] retention sweep failed: {}", e.toString()))
        .andThen(ar -> sweeping = false);
  }

  /** Runs {@code batch} until one does less than a whole batch, or {@link #MAX_BATCHES} ran; sums the counts. */
  private Future<Integer> batches(IntFunction<Future<Integer>> batch, int done, int total) {
    if (done >= MAX_BATCHES) {
      return Future.succeededFuture(total);
    }
    return batch.apply(BATCH).compose(count -> count < BATCH
        ? Future.succeededFuture(total + count) : batches(batch, done + 1, total + count));
  }
}
