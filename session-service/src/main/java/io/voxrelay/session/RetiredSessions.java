package io.voxrelay.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's side of retention: finding sessions that ended, or await resume, with no client heartbeat since
 * a cutoff, and deleting them with their history and events. Runs on a connection the caller holds, inside
 * its transaction.
 */
final class RetiredSessions {

  /**
   * The sessions a retention sweep deletes, by state: one range query of {@code sessions_by_heartbeat}
   * ({@code ended, awaiting_resume, last_heartbeat_at}) each, so a sweep reads only what it deletes.
   */
  static final List<String> QUERIES = List.of(
      "SELECT session_id FROM sessions WHERE ended = 1 AND awaiting_resume = 0 AND last_heartbeat_at < ? LIMIT ?",
      "SELECT session_id FROM sessions WHERE ended = 1 AND awaiting_resume = 1 AND last_heartbeat_at < ? LIMIT ?",
      "SELECT session_id FROM sessions WHERE ended = 0 AND awaiting_resume = 1 AND last_heartbeat_at < ? LIMIT ?");

  private RetiredSessions() {
  }

  /** Deletes up to {@code batch} retired sessions with their turns and events; returns how many. */
  static int purge(Connection c, long cutoff, int batch) throws SQLException {
    List<String> ids = new ArrayList<>();
    for (String query : QUERIES) {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setLong(1, cutoff);
        ps.setInt(2, batch - ids.size());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString("session_id"));
          }
        }
      }
      if (ids.size() >= batch) {
        break;
      }
    }
    for (String table : List.of("session_events", "session_emits", "session_turns", "sessions")) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE session_id = ?")) {
        for (String id : ids) {
          ps.setString(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return ids.size();
  }
}
