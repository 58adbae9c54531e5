package io.voxrelay.session;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The store's identity ({@code voxrelay_store}): a random id made once, by whichever instance first opens the
 * store, and read by every later one. Session-service instances compare it to find a cluster split across
 * two stores.
 */
final class StoreIdentity {

  private StoreIdentity() {
  }

  /** The store's id, made now if it has none. Instances racing here all read the one that was inserted. */
  static String ensure(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO voxrelay_store (id, store_id, created_at) "
          + "VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING")) {
        ps.setString(1, UUID.randomUUID().toString());
        ps.setLong(2, System.currentTimeMillis());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT store_id FROM voxrelay_store WHERE id = 1");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
