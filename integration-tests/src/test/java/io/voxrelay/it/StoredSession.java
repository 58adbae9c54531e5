package io.voxrelay.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A session's row as the SQLite store holds it: what a test checks was persisted. */
record StoredSession(boolean awaitingResume, String terminationReason, int currentQuestionIndex, long lastAudioActivityAt,
                     long lastHeartbeatAt, int turns) {

  static StoredSession read(Path dataDir, String sessionId) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("voxrelay.db"));
         PreparedStatement ps = c.prepareStatement("SELECT awaiting_resume, termination_reason, current_question_index, "
             + "last_audio_activity_at, last_heartbeat_at, "
             + "(SELECT COUNT(*) FROM session_turns t WHERE t.session_id = s.session_id) "
             + "FROM sessions s WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no stored session " + sessionId);
        }
        return new StoredSession(rs.getInt(1) != 0, rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(5),
            rs.getInt(6));
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot read the store", e);
    }
  }
}
