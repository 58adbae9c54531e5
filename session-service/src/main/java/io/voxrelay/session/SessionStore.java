package io.voxrelay.session;

import io.vertx.core.Future;

import java.util.function.UnaryOperator;

/** Where the session service keeps sessions. Every instance of the service sees the same store. */
interface SessionStore {

  Future<Void> insert(SessionRecord session);

  /** The session, or a {@code null} result when there is none. */
  Future<SessionRecord> find(String sessionId);

  /**
   * Applies {@code change} atomically with respect to other updates of the same session, from any instance.
   * Fails with {@link java.util.NoSuchElementException} when the session does not exist.
   */
  Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change);
}
