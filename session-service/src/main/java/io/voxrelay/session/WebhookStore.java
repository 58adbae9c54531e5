package io.voxrelay.session;

import io.vertx.core.Future;

import java.util.List;

/** The store's side of webhook delivery ({@link WebhookOutbox}), with its I/O off the event loop. */
interface WebhookStore {

  /** Takes or renews the delivery lease for {@code holder}: true while it holds it. */
  Future<Boolean> leaseWebhooks(String holder, long ttlMs);

  /** Gives the lease up, if {@code holder} has it. */
  Future<Void> releaseWebhooks(String holder);

  /** Up to {@code limit} due events, each the first still queued of its session. */
  Future<List<WebhookOutbox.Entry>> dueWebhooks(int limit);

  /** Claims the next attempt at {@code entry} under the lease ({@link WebhookOutbox#claimAttempt}). */
  Future<Boolean> claimWebhookAttempt(String holder, WebhookOutbox.Entry entry, long retryAt);

  /** Attempt {@code attempts} failed early: the next one is due at {@code at} (if no one claimed it since). */
  Future<Void> retryWebhookAt(String eventId, int attempts, long at);

  /** The event was delivered. */
  Future<Void> webhookDelivered(String eventId);

  /** Drops events created before {@code cutoff}, then the oldest past {@code maxQueued}: how many of each. */
  Future<int[]> dropStaleWebhooks(long cutoff, int maxQueued);

  /** How many events wait. */
  Future<Long> queuedWebhooks();
}
