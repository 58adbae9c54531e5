package io.voxrelay.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import static io.voxrelay.session.Sql.bindLater;
import static io.voxrelay.session.Sql.later;

/**
 * A session's client cursor ({@code last_client_seq}): the highest client message seq processed, a control
 * applied or a typed turn in the conversation. The one record of which client messages count as done: a
 * message at or below it is a resend and changes nothing, and {@code connected} tells the client to send again
 * only what is above it. It only moves forward, whoever writes.
 */
final class ClientCursor {

  private ClientCursor() {
  }

  /**
   * Moves the cursor to {@code clientSeq} (if it is past it), in the caller's transaction, and counts the
   * message as the user's interaction at {@code now}: a typed turn keeps a session from counting as idle.
   */
  static void advance(Connection c, String sessionId, long clientSeq, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_client_seq = " + later("last_client_seq")
        + ", last_interaction_at = " + later("last_interaction_at") + " WHERE session_id = ?")) {
      int i = bindLater(ps, 1, clientSeq);
      i = bindLater(ps, i, now);
      ps.setString(i, sessionId);
      ps.executeUpdate();
    }
  }
}
