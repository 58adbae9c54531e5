package io.voxrelay.session;

import io.voxrelay.common.protocol.SessionState;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * {@link SessionsStore} on JDBC. Updates are optimistic: a row's {@code version} must still be the one read, or
 * the change is applied again to the fresh row. A change writes, in its transaction, what follows from it: the
 * live count, and the lifecycle webhooks it reports when they are queued.
 */
final class JdbcSessions implements SessionsStore {

  private final StoreExecutor executor;
  /** Whether changes queue lifecycle webhooks ({@link LifecycleEvents}) in their transaction. */
  private final boolean queueWebhooks;

  JdbcSessions(StoreExecutor executor, boolean queueWebhooks) {
    this.executor = executor;
    this.queueWebhooks = queueWebhooks;
  }

  @Override
  public Future<Void> insert(SessionRecord s) {
    return executor.write(c -> {
      if (!queueWebhooks) {
        SessionRows.insert(c, s);
        return null;
      }
      List<LifecycleEvents.Event> created = LifecycleEvents.created(s);
      SessionRecord numbered = s.toBuilder().webhookSeq(created.size()).build();
      return Sql.inTransaction(c, () -> {
        SessionRows.insert(c, numbered);
        WebhookOutbox.enqueue(c, numbered, 1, created, System.currentTimeMillis());
        return null;
      });
    });
  }

  @Override
  public Future<SessionRecord> find(String sessionId) {
    return executor.read(c -> {
      SessionRecord row = SessionRows.read(c, sessionId);
      return row == null ? null : row.toBuilder().history(HistoryRows.recentTurns(c, sessionId)).build();
    });
  }

  @Override
  public Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change) {
    return executor.write(c -> Sql.untilWritten(sessionId, () -> {
      // Without the history: no change reads or writes turns, and most callers need none.
      SessionRecord current = SessionRows.read(c, sessionId);
      if (current == null) {
        throw new NoSuchElementException("no session " + sessionId);
      }
      SessionRecord changed = change.apply(current);
      if (changed == current) {
        return current; // nothing changed (a refused claim, a duplicate control): nothing to write
      }
      Change written = new Change(current, changed, queueWebhooks);
      // A change with effects writes them with it in one transaction; a bare one is a single statement.
      return written.hasEffects() ? Sql.inTransaction(c, () -> written.writeIn(c)) : written.writeIn(c);
    }));
  }

  /**
   * A change of a session row and what follows from it: the live count, and the lifecycle webhooks it reports
   * (when {@code queueWebhooks}).
   */
  static final class Change {
    private final SessionRecord current;
    private final SessionRecord toWrite;
    private final int liveDelta;
    private final List<LifecycleEvents.Event> events;

    Change(SessionRecord current, SessionRecord changed, boolean queueWebhooks) {
      this.current = current;
      this.events = queueWebhooks ? LifecycleEvents.between(current, changed) : List.of();
      this.toWrite = events.isEmpty() ? changed
          : changed.toBuilder().webhookSeq(current.webhookSeq() + events.size()).build();
      this.liveDelta = (changed.live() ? 1 : 0) - (current.live() ? 1 : 0);
    }

    boolean hasEffects() {
      return liveDelta != 0 || !events.isEmpty();
    }

    /**
     * Writes the change and its effects on {@code c}, in the caller's transaction when it {@link #hasEffects}.
     * Returns the row as written, or null (nothing written) when another change won the version race.
     */
    SessionRecord writeIn(Connection c) throws SQLException {
      if (!SessionRows.write(c, current.version(), toWrite)) {
        return null;
      }
      if (liveDelta != 0) {
        SessionRows.countLive(c, liveDelta);
      }
      if (!events.isEmpty()) {
        WebhookOutbox.enqueue(c, toWrite, current.webhookSeq() + 1, events, System.currentTimeMillis());
      }
      return toWrite.withVersion(current.version() + 1);
    }
  }

  @Override
  public Future<List<SessionRecord>> list(SessionState state, ListCursor before, int limit) {
    return executor.read(c -> SessionRows.page(c, state, before, limit));
  }

  @Override
  public Future<Map<String, Long>> countByState() {
    return executor.read(c -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (SessionState state : SessionState.values()) {
        counts.put(state.code(), 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) AS n FROM sessions GROUP BY state");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString("state"), rs.getLong("n"));
        }
      }
      return counts;
    });
  }
}
