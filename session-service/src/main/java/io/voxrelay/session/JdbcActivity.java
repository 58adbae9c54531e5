package io.voxrelay.session;

import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.SessionTimes;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.voxrelay.session.Sql.bindLater;
import static io.voxrelay.session.Sql.later;

/** {@link ActivityStore} on JDBC: forward-only hygiene timestamps, and one indexed query per limit. */
final class JdbcActivity implements ActivityStore {

  private static final String LIVE = "ended = 0 AND awaiting_resume = 0 AND connections > 0";

  private final StoreExecutor executor;

  JdbcActivity(StoreExecutor executor) {
    this.executor = executor;
  }

  @Override
  public Future<Void> recordActivity(List<Activity> activities) {
    if (activities.isEmpty()) {
      return Future.succeededFuture();
    }
    // Rows in one order, whoever writes several in one transaction (gateways' batches, relays' usage), so two
    // such transactions never wait on each other in a cycle (PostgreSQL would abort one as a deadlock).
    List<Activity> ordered = activities.stream().sorted(Comparator.comparing(Activity::sessionId)).toList();
    return executor.batchWrite(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_heartbeat_at = "
          + later("last_heartbeat_at") + ", last_audio_activity_at = " + later("last_audio_activity_at")
          + ", last_activity_at = " + later("last_activity_at") + " WHERE session_id = ?")) {
        return Sql.inTransaction(c, () -> {
          for (Activity a : ordered) {
            int i = bindLater(ps, 1, a.heartbeatAt());
            i = bindLater(ps, i, a.audioAt());
            i = bindLater(ps, i, a.audioAt());
            ps.setString(i, a.sessionId());
            ps.addBatch();
          }
          ps.executeBatch();
          for (Activity a : activities) {
            if (a.ackSeq() > 0) {
              EventLog.prune(c, a.sessionId(), "seq <= ?", a.ackSeq());
            }
          }
          return null;
        });
      }
    });
  }

  @Override
  public Future<ExpiredSessions> findExpired(FindExpired query) {
    return executor.read(c -> {
      Map<String, SessionTimes> found = new LinkedHashMap<>();
      collect(c, "started_at <= ?", query.now() - query.maxAgeMs(), found);
      collect(c, "last_heartbeat_at <= ?", query.now() - query.heartbeatTimeoutMs(), found);
      collect(c, "paused = 0 AND last_activity_at <= ?", query.now() - query.idleTimeoutMs(), found);
      int live;
      try (PreparedStatement ps = c.prepareStatement("SELECT live FROM session_counts WHERE id = 1");
           ResultSet rs = ps.executeQuery()) {
        live = rs.next() ? rs.getInt("live") : 0;
      }
      return new ExpiredSessions(new ArrayList<>(found.values()), live);
    });
  }

  private static void collect(Connection c, String condition, long cutoff, Map<String, SessionTimes> into)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT session_id, started_at, last_heartbeat_at, "
        + "last_audio_activity_at, last_interaction_at, paused FROM sessions WHERE " + LIVE + " AND " + condition)) {
      ps.setLong(1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString("session_id");
          into.putIfAbsent(id, new SessionTimes(id, rs.getLong("started_at"), rs.getLong("last_heartbeat_at"),
              rs.getLong("last_audio_activity_at"), rs.getLong("last_interaction_at"), rs.getInt("paused") != 0));
        }
      }
    }
  }
}
