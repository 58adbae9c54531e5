package io.voxrelay.session;

import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.NoSuchElementException;

/** {@link EventsStore} on JDBC: the {@link EventLog}'s tables, each write under the session's relay epoch. */
final class JdbcEvents implements EventsStore {

  private final StoreExecutor executor;
  private final EventLog log;
  /** Whether a control's change queues the lifecycle webhooks it reports ({@link JdbcSessions.Change}). */
  private final boolean queueWebhooks;

  JdbcEvents(StoreExecutor executor, EventLog log, boolean queueWebhooks) {
    this.executor = executor;
    this.log = log;
    this.queueWebhooks = queueWebhooks;
  }

  @Override
  public Future<List<NumberedEvent>> appendEvents(String sessionId, String emitKey, long relayEpoch,
                                                  List<String> events, List<Turn> turns, long clientSeq, long now) {
    return executor.write(c -> whileLocked(() -> {
      try {
        return log.append(c, sessionId, emitKey, relayEpoch, events, turns, clientSeq, now);
      } catch (EventLog.AlreadyStored again) {
        return again.events;
      }
    }));
  }

  @Override
  public Future<EmittedEvents> storeControl(String sessionId, String emitKey, long relayEpoch, ClientControl control,
                                            long now) {
    return executor.write(c -> whileLocked(() -> Sql.untilWritten(sessionId,
        () -> Sql.inTransaction(c, () -> storeControlIn(c, sessionId, emitKey, relayEpoch, control, now)))));
  }

  /** One attempt of {@link #storeControl}; null when another writer changed the row since it was read. */
  private EmittedEvents storeControlIn(Connection c, String sessionId, String emitKey, long relayEpoch,
                                       ClientControl control, long now) throws SQLException {
    SessionRecord current = SessionRows.read(c, sessionId);
    if (current == null) {
      throw new NoSuchElementException("no session " + sessionId);
    }
    if (LeaseTable.stale(relayEpoch, current.relayEpoch())) {
      throw new StaleClaim(sessionId, relayEpoch, current.relayEpoch());
    }
    List<NumberedEvent> stored = emitKey == null ? null : EventLog.storedBatch(c, sessionId, emitKey);
    if (stored != null) {
      // Sent again after its reply was lost: it was applied then.
      return new EmittedEvents(stored, new SessionControlReply(current.snapshot(), true));
    }
    SessionRecord after = ControlRules.applyFrom(current, control, now);
    if (after == current) {
      return new EmittedEvents(List.of(), new SessionControlReply(current.snapshot(), true));
    }
    SessionRecord written = new JdbcSessions.Change(current, after, queueWebhooks).writeIn(c);
    if (written == null) {
      return null;
    }
    List<String> events = ServerEvents.afterControl(control.control(), written.snapshot()).map(List::of)
        .orElse(List.of());
    List<NumberedEvent> numbered = log.appendIn(c, sessionId, emitKey, relayEpoch, events, List.of(), 0, now);
    return new EmittedEvents(numbered, new SessionControlReply(written.snapshot(), false));
  }

  /** Runs {@code work} again while two writers took the same session's write lock at once (SQLite), in order. */
  private static <T> T whileLocked(Sql.Work<T> work) throws SQLException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (SQLException e) {
        if (attempt >= Sql.MAX_ATTEMPTS) {
          throw e;
        }
        Thread.sleep(Math.min(50, attempt * 2L));
      }
    }
  }

  @Override
  public Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory) {
    return executor.read(c -> EventLog.replay(c, sessionId, afterSeq, withHistory));
  }

  @Override
  public Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit) {
    return executor.read(c -> HistoryRows.transcript(c, sessionId, afterPosition, limit));
  }
}
