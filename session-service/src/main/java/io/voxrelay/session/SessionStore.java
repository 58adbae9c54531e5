package io.voxrelay.session;

import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.SessionState;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where the session service keeps sessions: a SQLite file or a PostgreSQL database, shared by every
 * instance of the service. All methods run their I/O off the event loop.
 */
interface SessionStore {

  Future<Void> insert(SessionRecord session);

  /** The session with its most recent turns, or a {@code null} result when there is none. */
  Future<SessionRecord> find(String sessionId);

  /**
   * Applies {@code change} atomically with respect to every other update of the same session, from any
   * instance: on a concurrent change it re-reads and applies {@code change} again, so it must be free of
   * side effects. Fails with {@link java.util.NoSuchElementException} when the session does not exist, and
   * with whatever {@code change} throws. The record given to {@code change} and the one returned carry no
   * history (use {@link #find} or {@link #replay(String, long, boolean)} for it); a change never alters the
   * instructions or the questions. A change that returns the record it was given writes nothing.
   */
  Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change);

  /**
   * Moves the hygiene timestamps of many sessions forward (never back) and drops acknowledged events, in one
   * transaction. Not versioned: activity never conflicts with a state change.
   */
  Future<Void> recordActivity(List<Activity> activities);

  /**
   * The live sessions (connected at least once, not ended, not awaiting resume) past any limit: one indexed
   * range query per limit, so the cost follows the number of sessions that expire.
   */
  Future<ExpiredSessions> findExpired(FindExpired query);

  /**
   * Numbers and stores server events for replay, in order, and drops what is past the replay bound.
   * Returns the events with their {@code seq}.
   */
  default Future<List<NumberedEvent>> appendEvents(String sessionId, List<String> events, long now) {
    return appendEvents(sessionId, events, List.of(), 0, now);
  }

  /**
   * Numbers and stores server events as {@link #appendEvents(String, List, long)} does and, in the same
   * transaction, appends {@code turns} to the history (a turn whose item id is there already is skipped, so
   * a batch stored twice adds each turn once) and records {@code appliedClientSeq} (0: none) as carried out.
   * Either all of it is stored, or none.
   */
  default Future<List<NumberedEvent>> appendEvents(String sessionId, List<String> events, List<Turn> turns,
                                                   long appliedClientSeq, long now) {
    return appendEvents(sessionId, null, 0, events, turns, appliedClientSeq, now);
  }

  /**
   * As {@link #appendEvents(String, List, List, long, long)}, applied once per {@code emitKey} (null: no key):
   * a batch stored under that key before is answered with the events it stored then (those still kept), and
   * nothing is written. With {@code relayEpoch} above 0 (a relay's batch), fails with {@link StaleClaim} and
   * writes nothing when the session has been claimed under a newer epoch since.
   */
  Future<List<NumberedEvent>> appendEvents(String sessionId, String emitKey, long relayEpoch, List<String> events,
                                           List<Turn> turns, long appliedClientSeq, long now);

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

  /** The stored events after {@code afterSeq}, and whether some of them are no longer kept. */
  default Future<Replay> replay(String sessionId, long afterSeq) {
    return replay(sessionId, afterSeq, false);
  }

  /**
   * As {@link #replay(String, long)}; with {@code withHistory}, the most recent turns too, read after the
   * session's latest seq, so they include every turn whose event has a seq at or below it.
   */
  Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory);

  /**
   * A page of the whole history: up to {@code limit} turns after position {@code afterPosition}, oldest
   * first. Fails with {@link java.util.NoSuchElementException} when the session does not exist.
   */
  Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit);

  /**
   * Records that a relay carried the client message {@code clientSeq} out upstream (never moves back), under
   * its claim {@code relayEpoch}; fails with {@link StaleClaim} when the session was claimed again since.
   */
  Future<Void> markApplied(String sessionId, long clientSeq, long relayEpoch);

  /** Renews relay {@code relayNode}'s lease, which it names {@code heldId} (0: none yet); see {@link LeaseTable}. */
  Future<io.voxrelay.common.bus.LeaseGrant> renewLease(String relayNode, long heldId);

  /** The relay nodes whose lease is valid now, as a claim would judge them ({@link LeaseTable#liveAfter}). */
  Future<List<String>> liveRelays();

  /** A relay's claim of a session, or its give-back of one, as {@link LeaseTable} rules. */
  Future<io.voxrelay.common.bus.RelayClaim> claim(io.voxrelay.common.bus.BindRelay request);

  /**
   * Of the sessions and claim epochs relay {@code relayNode} holds, those it lost: claimed since under a newer
   * epoch, no longer bound to it, or gone.
   */
  Future<List<String>> lostClaims(String relayNode, Map<String, Long> epochs);

  /**
   * A page of sessions in {@code state} (null: in any), newest first, created before {@code before}: at most
   * {@code limit}, without their history, read through the state index.
   */
  Future<List<SessionRecord>> list(SessionState state, ListCursor before, int limit);

  /**
   * Adds a relay's usage reports to their sessions' totals, each response and upstream counted once (sent
   * again, it adds nothing), in one transaction, each report's cost estimated with {@code prices}; nothing for
   * a session that no longer exists.
   *
   * @return the sessions with limits whose totals moved: their budgets want checking
   */
  Future<List<String>> recordUsage(List<io.voxrelay.common.bus.UsageReport> reports,
                                   io.voxrelay.common.config.PriceTable prices);

  /** Webhook delivery's side of the store (its outbox and lease). */
  WebhookStore webhooks();

  /** The store's identity, created with its schema: every session-service instance of a cluster shares one. */
  String storeId();

  /** Completes once no request is under way in the store, or after {@code timeoutMs} at the latest. */
  Future<Void> drain(long timeoutMs);

  /**
   * Sessions by {@link SessionState}, for the figures (every state, 0 included). Read off the state index,
   * without a scan of the rows.
   */
  Future<Map<String, Long>> countByState();

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
