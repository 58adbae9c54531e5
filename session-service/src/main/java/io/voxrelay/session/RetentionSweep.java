package io.voxrelay.session;

import io.voxrelay.common.config.RetentionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Deletes finished sessions after the retention period ({@link RetentionConfig}): every sweep interval, in
 * batches of {@link #BATCH}, at most {@link #MAX_BATCHES} a sweep, so one sweep's work stays bounded and a
 * backlog goes over several. Every session-service instance sweeps; a delete is idempotent, so two that meet
 * only repeat a little work.
 */
final class RetentionSweep {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);
  static final int BATCH = 500;
  static final int MAX_BATCHES = 20;

  private final Vertx vertx;
  private final SessionStore store;
  private final RetentionConfig config;
  private final Clock clock;
  private long timer = -1;
  private boolean sweeping;

  RetentionSweep(Vertx vertx, SessionStore store, RetentionConfig config, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
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

  /** One sweep; completes with the number of sessions deleted. */
  Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    long cutoff = clock.millis() - config.retentionMs();
    return batches(cutoff, 0, 0)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.info("[SessionService] retention: deleted {} sessions finished before {}", deleted, cutoff);
          }
        })
        .onFailure(e -> LOG.warn("[SessionService] retention sweep failed: {}", e.toString()))
        .andThen(ar -> sweeping = false);
  }

  private Future<Integer> batches(long cutoff, int done, int total) {
    if (done >= MAX_BATCHES) {
      return Future.succeededFuture(total);
    }
    return store.purgeRetired(cutoff, BATCH).compose(deleted -> deleted < BATCH
        ? Future.succeededFuture(total + deleted) : batches(cutoff, done + 1, total + deleted));
  }
}
