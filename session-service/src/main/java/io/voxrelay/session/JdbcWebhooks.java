package io.voxrelay.session;

import io.vertx.core.Future;

import java.util.List;

/** {@link WebhookStore} on JDBC: the {@link WebhookOutbox} and its delivery lease. */
final class JdbcWebhooks implements WebhookStore {

  private final StoreExecutor executor;

  JdbcWebhooks(StoreExecutor executor) {
    this.executor = executor;
  }

  @Override
  public Future<Boolean> leaseWebhooks(String holder, long ttlMs) {
    return executor.batchWrite(c -> WebhookOutbox.lease(c, holder, System.currentTimeMillis(), ttlMs));
  }

  @Override
  public Future<Void> releaseWebhooks(String holder) {
    return executor.batchWrite(c -> {
      WebhookOutbox.release(c, holder);
      return null;
    });
  }

  @Override
  public Future<List<WebhookOutbox.Entry>> dueWebhooks(int limit) {
    return executor.read(c -> WebhookOutbox.due(c, System.currentTimeMillis(), limit));
  }

  @Override
  public Future<Boolean> claimWebhookAttempt(String holder, WebhookOutbox.Entry entry, long retryAt) {
    return executor.batchWrite(c -> WebhookOutbox.claimAttempt(c, holder, entry, System.currentTimeMillis(), retryAt));
  }

  @Override
  public Future<Void> retryWebhookAt(String eventId, int attempts, long at) {
    return executor.batchWrite(c -> {
      WebhookOutbox.retryAt(c, eventId, attempts, at);
      return null;
    });
  }

  @Override
  public Future<Void> webhookDelivered(String eventId) {
    return executor.batchWrite(c -> {
      WebhookOutbox.delivered(c, eventId);
      return null;
    });
  }

  @Override
  public Future<int[]> dropStaleWebhooks(long cutoff, int maxQueued) {
    return executor.batchWrite(c -> new int[] {WebhookOutbox.dropOlderThan(c, cutoff),
        WebhookOutbox.dropOverflow(c, maxQueued)});
  }

  @Override
  public Future<Long> queuedWebhooks() {
    return executor.read(WebhookOutbox::count);
  }
}
