package io.voxrelay.session;

import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.RelayClaim;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The {@code relay_leases} and {@code relay_lease_clock} tables, and the two transactions on them (a relay's
 * renewal and a claim of a session) and the one read (the live relays). The rules are {@link LeaseTable}'s; this class reads the store's clock and
 * the rows, and writes what the rules decide. A lease row is locked (an update of itself) before it is read, so
 * a claim that ends a lease and that lease's renewal take turns.
 */
final class LeaseRows {

  /** A lease that ran out this long ago is deleted: its relay is long gone (its next renewal gets a new lease). */
  static final long FORGET_AFTER_MS = 10 * 60_000;

  private final LeaseTable table;
  private final String nowQuery;

  LeaseRows(LeaseTable table, boolean postgres) {
    this.table = table;
    this.nowQuery = postgres ? "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        : "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
  }

  /** Renews {@code relayNode}'s lease, in one transaction on {@code c}. */
  LeaseGrant renew(Connection c, String relayNode, long heldId) throws SQLException {
    return Sql.inTransaction(c, () -> {
      long lastRenewalAt = lockClock(c);
      long now = now(c);
      if (table.outage(lastRenewalAt, now)) {
        for (LeaseTable.Lease lease : all(c)) {
          LeaseTable.Lease honoured = table.honoured(lease, lastRenewalAt, now);
          if (honoured != lease) {
            put(c, honoured);
          }
        }
      }
      LeaseTable.Renewal renewal = table.renew(lock(c, relayNode), relayNode, heldId, now);
      put(c, renewal.lease());
      try (PreparedStatement ps = c.prepareStatement("UPDATE relay_lease_clock SET last_renewal_at = ? WHERE id = 1")) {
        ps.setLong(1, now);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM relay_leases WHERE expires_at < ?")) {
        ps.setLong(1, now - FORGET_AFTER_MS);
        ps.executeUpdate();
      }
      return renewal.grant();
    });
  }

  /**
   * A claim of a session for {@code request.relayNode()}, or the give-back of one, in one transaction on
   * {@code c}. Null when another write to the session won the race (the caller tries again).
   */
  RelayClaim claim(Connection c, BindRelay request) throws SQLException {
    return Sql.inTransaction(c, () -> {
      SessionRecord s = SessionRows.read(c, request.sessionId());
      if (s == null) {
        throw new NoSuchElementException("no session " + request.sessionId());
      }
      if (request.relayNode() == null) {
        boolean current = LeaseTable.givesBack(request.expectedRelayNode(), request.epoch(), s.relayNode(),
            s.relayEpoch());
        if (current && !SessionRows.write(c, s.version(), s.toBuilder().relayNode(null).build())) {
          return null;
        }
        return current ? RelayClaim.granted(null, s.relayEpoch()) : RelayClaim.refused(s.relayNode(), s.relayEpoch());
      }
      long now = now(c);
      String claimant = request.relayNode();
      String holder = s.relayNode();
      Map<String, LeaseTable.Lease> leases = lockAll(c, claimant, holder);
      LeaseTable.Lease claimantLease = leases.get(claimant);
      LeaseTable.Lease holderLease = holder == null ? null : leases.get(holder);
      if (!LeaseTable.mayClaim(claimant, claimantLease, holder, holderLease, request.expectedRelayNode(),
          request.disowned(), now)) {
        return RelayClaim.refused(holder, s.relayEpoch());
      }
      if (claimant.equals(holder)) {
        return RelayClaim.granted(claimant, s.relayEpoch());
      }
      if (!SessionRows.write(c, s.version(), s.toBuilder().relayNode(claimant).relayEpoch(s.relayEpoch() + 1).build())) {
        return null;
      }
      if (LeaseTable.endsHolderLease(claimant, holder, holderLease, now)) {
        delete(c, holder);
      }
      return RelayClaim.granted(claimant, s.relayEpoch() + 1);
    });
  }

  /** The relay nodes whose lease is valid now ({@link LeaseTable#liveAfter}); reads only, locks nothing. */
  List<String> liveNodes(Connection c) throws SQLException {
    long lastRenewalAt = lastRenewalAt(c);
    long now = now(c);
    List<String> nodes = new ArrayList<>();
    for (LeaseTable.Lease lease : all(c)) {
      if (table.liveAfter(lease, lastRenewalAt, now)) {
        nodes.add(lease.relayNode());
      }
    }
    return nodes;
  }

  private long now(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(nowQuery); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long lockClock(Connection c) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement(
        "UPDATE relay_lease_clock SET last_renewal_at = last_renewal_at WHERE id = 1")) {
      lock.executeUpdate();
    }
    return lastRenewalAt(c);
  }

  private static long lastRenewalAt(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_renewal_at FROM relay_lease_clock WHERE id = 1");
         ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The leases of the named nodes (nulls and repeats skipped), their rows locked for the rest of the
   * transaction, in one order everywhere, so two claims between the same relays never deadlock. A node without a
   * lease is not in the map.
   */
  private static Map<String, LeaseTable.Lease> lockAll(Connection c, String... relayNodes) throws SQLException {
    Map<String, LeaseTable.Lease> leases = new HashMap<>();
    for (String node : new TreeSet<>(Arrays.stream(relayNodes).filter(Objects::nonNull).toList())) {
      LeaseTable.Lease lease = lock(c, node);
      if (lease != null) {
        leases.put(node, lease);
      }
    }
    return leases;
  }

  /** The node's lease, its row locked for the rest of the transaction; null when it has none. */
  private static LeaseTable.Lease lock(Connection c, String relayNode) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement(
        "UPDATE relay_leases SET expires_at = expires_at WHERE relay_node = ?")) {
      lock.setString(1, relayNode);
      if (lock.executeUpdate() == 0) {
        return null;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT lease_id, expires_at FROM relay_leases WHERE relay_node = ?")) {
      ps.setString(1, relayNode);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new LeaseTable.Lease(relayNode, rs.getLong(1), rs.getLong(2)) : null;
      }
    }
  }

  private static List<LeaseTable.Lease> all(Connection c) throws SQLException {
    List<LeaseTable.Lease> leases = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT relay_node, lease_id, expires_at FROM relay_leases");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        leases.add(new LeaseTable.Lease(rs.getString(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    return leases;
  }

  private static void put(Connection c, LeaseTable.Lease lease) throws SQLException {
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE relay_leases SET lease_id = ?, expires_at = ? WHERE relay_node = ?")) {
      update.setLong(1, lease.leaseId());
      update.setLong(2, lease.expiresAt());
      update.setString(3, lease.relayNode());
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO relay_leases (relay_node, lease_id, expires_at) VALUES (?, ?, ?)")) {
      insert.setString(1, lease.relayNode());
      insert.setLong(2, lease.leaseId());
      insert.setLong(3, lease.expiresAt());
      insert.executeUpdate();
    }
  }

  private static void delete(Connection c, String relayNode) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM relay_leases WHERE relay_node = ?")) {
      ps.setString(1, relayNode);
      ps.executeUpdate();
    }
  }
}
