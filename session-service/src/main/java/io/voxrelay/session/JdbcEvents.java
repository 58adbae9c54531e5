package io.voxrelay.session;

import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;

import java.sql.SQLException;
import java.util.List;

/** {@link EventsStore} on JDBC: the {@link EventLog}'s tables, each write under the session's relay epoch. */
final class JdbcEvents implements EventsStore {

  private final StoreExecutor executor;
  private final EventLog log;

  JdbcEvents(StoreExecutor executor, EventLog log) {
    this.executor = executor;
    this.log = log;
  }

  @Override
  public Future<List<NumberedEvent>> appendEvents(String sessionId, String emitKey, long relayEpoch,
                                                  List<String> events, List<Turn> turns, long appliedClientSeq,
                                                  long now) {
    return executor.write(c -> {
      for (int attempt = 1; ; attempt++) {
        try {
          return log.append(c, sessionId, emitKey, relayEpoch, events, turns, appliedClientSeq, now);
        } catch (EventLog.AlreadyStored again) {
          return again.events;
        } catch (SQLException e) {
          // Two writers took the same session's write lock at once (SQLite): try again in order.
          if (attempt >= Sql.MAX_ATTEMPTS) {
            throw e;
          }
          Thread.sleep(Math.min(50, attempt * 2L));
        }
      }
    });
  }

  @Override
  public Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory) {
    return executor.read(c -> EventLog.replay(c, sessionId, afterSeq, withHistory));
  }

  @Override
  public Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit) {
    return executor.read(c -> HistoryRows.transcript(c, sessionId, afterPosition, limit));
  }

  @Override
  public Future<Void> markApplied(String sessionId, long clientSeq, long relayEpoch) {
    return executor.write(c -> Sql.inTransaction(c, () -> {
      RelayEpochs.requireCurrent(c, sessionId, relayEpoch);
      EventLog.markApplied(c, sessionId, clientSeq);
      return null;
    }));
  }
}
