package io.voxrelay.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's side of retention: finding sessions that ended, or await resume, with no client heartbeat since
 * a cutoff, and deleting them with every row of theirs ({@link #PER_SESSION_TABLES}); and erasing one session
 * on request. Runs on a connection the caller holds, inside its transaction.
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

  /**
   * Every table holding rows of one session, by its {@code session_id}, the session's own row last: what
   * retention and erasure delete. A test compares it with the schema's tables that have that column.
   */
  static final List<String> PER_SESSION_TABLES = List.of("session_events", "session_emits", "session_turns",
      "session_usage", "session_upstreams", "webhook_outbox", "sessions");

  private RetiredSessions() {
  }

  /**
   * Erases session {@code sessionId}: every row of it, its undelivered webhooks included, then queues one
   * {@code session.deleted} webhook holding its id only (numbered after its last), first tried after
   * {@code inFlightBoundMs} when a delivery of the session may be under way (one with an attempt made and its
   * next not yet due: claimed, or waiting out its backoff). False for no session.
   */
  static boolean erase(Connection c, String sessionId, long now, long inFlightBoundMs) throws SQLException {
    long webhookSeq;
    try (PreparedStatement ps = c.prepareStatement("SELECT webhook_seq FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        webhookSeq = rs.getLong(1);
      }
    }
    long firstAttemptAt = WebhookOutbox.mayBeInFlight(c, sessionId, now) ? now + inFlightBoundMs : now;
    deleteRows(c, List.of(sessionId));
    WebhookOutbox.enqueue(c, sessionId, webhookSeq + 1,
        List.of(new LifecycleEvents.Event("session.deleted", io.voxrelay.common.json.Json.object())), now,
        firstAttemptAt);
    return true;
  }

  /** Deletes every row of the sessions {@code ids} from {@link #PER_SESSION_TABLES}. */
  static void deleteRows(Connection c, List<String> ids) throws SQLException {
    for (String table : PER_SESSION_TABLES) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE session_id = ?")) {
        for (String id : ids) {
          ps.setString(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  /** Deletes up to {@code batch} retired sessions with every row of theirs; returns how many. */
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
    deleteRows(c, ids);
    return ids.size();
  }
}
