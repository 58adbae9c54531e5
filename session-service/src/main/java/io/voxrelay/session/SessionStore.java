package io.voxrelay.session;

import io.vertx.core.Future;

/**
 * Where the session service keeps sessions: a SQLite file or a PostgreSQL database, shared by every instance of
 * the service. One store, one part per role, each on the store's one {@link StoreExecutor}: all their I/O runs
 * off the event loop.
 */
interface SessionStore {

  /** Sessions and their state. */
  SessionsStore sessions();

  /** Numbered events, the history and replay. */
  EventsStore events();

  /** Relay leases and claims. */
  ClaimsStore claims();

  /** Hygiene: activity, and the sessions past a limit. */
  ActivityStore activity();

  /** The usage ledger. */
  UsageStore usage();

  /** What retention deletes. */
  RetentionStore retention();

  /** Webhook delivery's side of the store (its outbox and lease). */
  WebhookStore webhooks();

  /** The store's identity, created with its schema: every session-service instance of a cluster shares one. */
  String storeId();

  /** Completes once no request is under way in the store, or after {@code timeoutMs} at the latest. */
  Future<Void> drain(long timeoutMs);

  /** Whether the store answers a trivial query now (readiness). */
  Future<Void> ping();

  Future<Void> close();

  /**
   * Write transactions for sessions' own changes since this store opened (creation, state changes, events
   * and turns, carried-out controls), not counting the periodic activity batches: what the live path costs
   * the store. Safe to read from any thread.
   */
  long writeTransactions();
}
