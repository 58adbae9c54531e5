package io.voxrelay.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fencing epochs of relay claims in the {@code sessions} table: checked under the row's lock before a
 * relay's write, and compared in bulk for a relay's periodic check of its claims. Runs on a connection the
 * caller holds.
 */
final class RelayEpochs {

  /** Sessions per query of a bulk check: well under every database's limit on bound parameters. */
  private static final int CHUNK = 200;

  private RelayEpochs() {
  }

  /**
   * Fails with {@link StaleClaim} when the session was claimed under a newer epoch than {@code epoch} (0: the
   * writer holds no claim, nothing is checked). Inside a write transaction, after the row is locked.
   */
  static void requireCurrent(Connection c, String sessionId, long epoch) throws SQLException {
    if (epoch <= 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT relay_epoch FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && LeaseTable.stale(epoch, rs.getLong(1))) {
          throw new StaleClaim(sessionId, epoch, rs.getLong(1));
        }
      }
    }
  }

  /**
   * Of {@code epochs} (session → relay {@code relayNode}'s claim epoch), the sessions it no longer holds: claimed
   * since under a newer epoch, no longer bound to it (terminated, given back), or gone.
   */
  static List<String> lost(Connection c, String relayNode, Map<String, Long> epochs) throws SQLException {
    if (epochs.isEmpty()) {
      return List.of();
    }
    Map<String, Long> current = new HashMap<>();
    Map<String, String> holders = new HashMap<>();
    List<String> ids = new ArrayList<>(epochs.keySet());
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      try (PreparedStatement ps = c.prepareStatement("SELECT session_id, relay_node, relay_epoch FROM sessions "
          + "WHERE session_id IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            holders.put(rs.getString(1), rs.getString(2));
            current.put(rs.getString(1), rs.getLong(3));
          }
        }
      }
    }
    List<String> lost = new ArrayList<>();
    epochs.forEach((sessionId, epoch) -> {
      if (LeaseTable.lost(relayNode, epoch, holders.get(sessionId), current.get(sessionId))) {
        lost.add(sessionId);
      }
    });
    return lost;
  }
}
