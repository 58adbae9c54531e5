package io.voxrelay.session;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The store's sessions and their state (resume tokens among it): each row versioned. Its I/O runs off the event loop. */
interface SessionsStore {

  Future<Void> insert(SessionRecord session);

  /** The session with its most recent turns, or a {@code null} result when there is none. */
  Future<SessionRecord> find(String sessionId);

  /**
   * Applies {@code change} atomically with respect to every other update of the same session, from any
   * instance: on a concurrent change it re-reads and applies {@code change} again, so it must be free of
   * side effects. Fails with {@link java.util.NoSuchElementException} when the session does not exist, and
   * with whatever {@code change} throws. The record given to {@code change} and the one returned carry no
   * history (use {@link #find} or {@link EventsStore#replay(String, long, boolean)} for it); a change never
   * alters the instructions or the questions. A change that returns the record it was given writes nothing.
   */
  Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change);

  /**
   * A page of sessions in {@code state} (null: in any), newest first, created before {@code before}: at most
   * {@code limit}, without their history, read through the state index.
   */
  Future<List<SessionRecord>> list(io.voxrelay.common.protocol.SessionState state, ListCursor before, int limit);

  /**
   * Sessions by state, for the figures (every state, 0 included). Read off the state index, without a scan of
   * the rows.
   */
  Future<Map<String, Long>> countByState();
}
