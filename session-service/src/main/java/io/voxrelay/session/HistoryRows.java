package io.voxrelay.session;

import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A session's history ({@code session_turns}): turns in order, each once by its item id, a truncated answer cut
 * where it stands; read as the most recent ones or page by page. Each method runs on a connection the caller
 * holds, on a worker thread; {@link EventLog} appends turns in the transaction that stores their events.
 */
final class HistoryRows {

  private HistoryRows() {
  }

  /**
   * Appends a turn at the next position of the session's history, unless a turn with its item id is there
   * already; a truncated turn (the user spoke over the answer) replaces that turn's text where it stands.
   * Runs inside the transaction that holds the session row's write lock, so positions never race.
   */
  static void insertTurn(Connection c, String sessionId, Turn turn, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM session_turns WHERE session_id = ? AND item_id = ?")) {
      ps.setString(1, sessionId);
      ps.setString(2, turn.itemId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          if (turn.truncated()) {
            truncateTurn(c, sessionId, turn);
          }
          return;
        }
      }
    }
    int next;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COALESCE(MAX(seq), 0) FROM session_turns WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        next = rs.getInt(1) + 1;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_turns (session_id, seq, item_id, role, "
        + "text, created_at, played_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, sessionId);
      ps.setInt(2, next);
      ps.setString(3, turn.itemId());
      ps.setString(4, turn.role());
      ps.setString(5, turn.text());
      ps.setLong(6, now);
      if (turn.truncated()) {
        ps.setLong(7, turn.playedMs());
      } else {
        ps.setNull(7, java.sql.Types.BIGINT);
      }
      ps.executeUpdate();
    }
  }

  /** The user spoke over an answer: its stored text becomes the part that was heard (the same values again: no change). */
  private static void truncateTurn(Connection c, String sessionId, Turn turn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE session_turns SET text = ?, played_ms = ? WHERE session_id = ? AND item_id = ?")) {
      ps.setString(1, turn.text());
      ps.setLong(2, turn.playedMs());
      ps.setString(3, sessionId);
      ps.setString(4, turn.itemId());
      ps.executeUpdate();
    }
  }

  /** The most recent turns of a session ({@link SessionSnapshot#MAX_HISTORY} at most), oldest first. */
  static List<Turn> recentTurns(Connection c, String sessionId) throws SQLException {
    List<Turn> turns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT item_id, role, text, played_ms FROM session_turns "
        + "WHERE session_id = ? ORDER BY seq DESC LIMIT " + SessionSnapshot.MAX_HISTORY)) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          turns.add(turn(rs));
        }
      }
    }
    Collections.reverse(turns);
    return turns;
  }

  /** A page of the whole history: the turns after position {@code afterPosition}, {@code limit} at most. */
  static TranscriptPage transcript(Connection c, String sessionId, long afterPosition, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no session " + sessionId);
        }
      }
    }
    List<Turn> turns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT item_id, role, text, played_ms FROM session_turns "
        + "WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
      ps.setString(1, sessionId);
      ps.setLong(2, afterPosition);
      ps.setInt(3, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          turns.add(turn(rs));
        }
      }
    }
    boolean more = turns.size() > limit;
    return new TranscriptPage(afterPosition, more ? turns.subList(0, limit) : turns, more);
  }

  private static Turn turn(ResultSet rs) throws SQLException {
    long played = rs.getLong("played_ms");
    // wasNull() speaks of the column read last: asked before any other is read.
    Long playedMs = rs.wasNull() ? null : played;
    return new Turn(rs.getString("item_id"), rs.getString("role"), rs.getString("text"), playedMs);
  }
}
