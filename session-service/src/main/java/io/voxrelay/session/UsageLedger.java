package io.voxrelay.session;

import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.bus.UsageReport;
import io.voxrelay.common.config.PriceTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code session_usage} and {@code session_upstreams} tables and the usage totals on {@code sessions}: a
 * relay's report added once, whatever is sent again, in one transaction. A response counts when its id is
 * new; an upstream's time grows by what its latest report adds to the one before.
 */
final class UsageLedger {

  private UsageLedger() {
  }

  /**
   * Adds what {@code report} has that is not counted yet, its cost estimated with {@code prices} (for the
   * report's model; no cost without one). Run in the caller's transaction.
   *
   * @return whether the totals moved on a session that has limits (its budget wants checking); false when the
   *     session no longer exists
   */
  static boolean record(Connection c, UsageReport report, long now, PriceTable prices) throws SQLException {
    Boolean limited = limited(c, report.sessionId());
    if (limited == null) {
      return false;
    }
    Usage added = Usage.NONE;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_usage (session_id, response_id, created_at) "
        + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (UsageReport.ResponseUsage response : report.responses()) {
        ps.setString(1, report.sessionId());
        ps.setString(2, response.responseId());
        ps.setLong(3, now);
        if (ps.executeUpdate() == 1) {
          added = added.plus(response.usage());
        }
      }
    }
    long addedMs = 0;
    for (UsageReport.UpstreamTime upstream : report.upstreams()) {
      addedMs += extend(c, report.sessionId(), upstream);
    }
    if (added.equals(Usage.NONE) && addedMs == 0) {
      return false;
    }
    long costMicros = added.equals(Usage.NONE) ? -1 : prices.costMicros(report.model(), added);
    try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET usage_input_tokens = usage_input_tokens + ?, "
        + "usage_output_tokens = usage_output_tokens + ?, usage_cached_tokens = usage_cached_tokens + ?, "
        + "usage_input_text_tokens = usage_input_text_tokens + ?, "
        + "usage_input_audio_tokens = usage_input_audio_tokens + ?, "
        + "usage_output_text_tokens = usage_output_text_tokens + ?, "
        + "usage_output_audio_tokens = usage_output_audio_tokens + ?, upstream_ms = upstream_ms + ?"
        + (costMicros >= 0 ? ", cost_micros = COALESCE(cost_micros, 0) + " + costMicros : "")
        + " WHERE session_id = ?")) {
      ps.setLong(1, added.inputTokens());
      ps.setLong(2, added.outputTokens());
      ps.setLong(3, added.cachedTokens());
      ps.setLong(4, added.inputTextTokens());
      ps.setLong(5, added.inputAudioTokens());
      ps.setLong(6, added.outputTextTokens());
      ps.setLong(7, added.outputAudioTokens());
      ps.setLong(8, addedMs);
      ps.setString(9, report.sessionId());
      ps.executeUpdate();
    }
    return limited;
  }

  /** Extends an upstream's known time to its reported {@code untilAt}; returns the milliseconds added. */
  private static long extend(Connection c, String sessionId, UsageReport.UpstreamTime upstream) throws SQLException {
    long until = Math.max(upstream.openedAt(), upstream.untilAt());
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT until_at FROM session_upstreams WHERE session_id = ? AND upstream_id = ?")) {
      ps.setString(1, sessionId);
      ps.setString(2, upstream.upstreamId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long known = rs.getLong(1);
          if (until <= known) {
            return 0;
          }
          try (PreparedStatement up = c.prepareStatement(
              "UPDATE session_upstreams SET until_at = ? WHERE session_id = ? AND upstream_id = ?")) {
            up.setLong(1, until);
            up.setString(2, sessionId);
            up.setString(3, upstream.upstreamId());
            up.executeUpdate();
          }
          return until - known;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO session_upstreams (session_id, upstream_id, opened_at, until_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, sessionId);
      ps.setString(2, upstream.upstreamId());
      ps.setLong(3, upstream.openedAt());
      ps.setLong(4, until);
      ps.executeUpdate();
    }
    return until - upstream.openedAt();
  }

  /** Whether the session has limits; null when it does not exist. */
  private static Boolean limited(Connection c, String sessionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT limits FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) != null : null;
      }
    }
  }
}
