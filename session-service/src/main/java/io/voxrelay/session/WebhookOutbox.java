package io.voxrelay.session;

import io.voxrelay.common.json.Json;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code webhook_outbox} and {@code webhook_lease} tables: events queued with the change they report,
 * read in order per session, each attempt claimed under the delivery lease before it is sent, and deleted
 * once delivered or past the bounds.
 */
final class WebhookOutbox {

  /** An event waiting for delivery. {@code body} is the exact JSON that is signed and sent. */
  record Entry(String eventId, String sessionId, long sessionSeq, String type, String body, long createdAt,
               int attempts) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Due events that are the first of their session still queued: a session's events go out in order. */
  private static final String DUE_HEADS = "SELECT o.event_id, o.session_id, o.session_seq, o.type, o.body, "
      + "o.created_at, o.attempts FROM webhook_outbox o WHERE o.next_attempt_at <= ? AND NOT EXISTS ("
      + "SELECT 1 FROM webhook_outbox p WHERE p.session_id = o.session_id AND p.session_seq < o.session_seq) "
      + "ORDER BY o.next_attempt_at LIMIT ?";

  private WebhookOutbox() {
  }

  /**
   * Queues {@code events} for {@code after}, numbered from its {@code webhookSeq} + 1 on; the caller stores
   * {@code after} with its {@code webhookSeq} raised by their number, in the same transaction.
   */
  static void enqueue(Connection c, SessionRecord after, long firstSeq, List<LifecycleEvents.Event> events, long now)
      throws SQLException {
    enqueue(c, after.sessionId(), firstSeq, events, now, now);
  }

  /**
   * Whether a delivery of session {@code sessionId} may be under way at {@code now}: one of its events had an
   * attempt and its next is not due yet (claimed for an attempt, or waiting out a backoff).
   */
  static boolean mayBeInFlight(Connection c, String sessionId, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook_outbox WHERE session_id = ? "
        + "AND attempts > 0 AND next_attempt_at > ?")) {
      ps.setString(1, sessionId);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * As {@link #enqueue(Connection, SessionRecord, long, List, long)}, for session {@code sessionId}, first tried
   * at {@code firstAttemptAt}.
   */
  static void enqueue(Connection c, String sessionId, long firstSeq, List<LifecycleEvents.Event> events, long now,
                      long firstAttemptAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_outbox (event_id, session_id, session_seq, "
        + "type, body, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
      long seq = firstSeq;
      for (LifecycleEvents.Event event : events) {
        String id = newEventId();
        String body = Json.write(Json.object().put("type", event.type()).put("id", id)
            .put("sessionId", sessionId).put("sequence", seq).put("createdAt", now).set("data", event.data()));
        ps.setString(1, id);
        ps.setString(2, sessionId);
        ps.setLong(3, seq++);
        ps.setString(4, event.type());
        ps.setString(5, body);
        ps.setLong(6, now);
        ps.setLong(7, firstAttemptAt);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Up to {@code limit} due events, each the first still queued of its session. */
  static List<Entry> due(Connection c, long now, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DUE_HEADS)) {
      ps.setLong(1, now);
      ps.setInt(2, limit);
      List<Entry> due = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          due.add(new Entry(rs.getString("event_id"), rs.getString("session_id"), rs.getLong("session_seq"),
              rs.getString("type"), rs.getString("body"), rs.getLong("created_at"), rs.getInt("attempts")));
        }
      }
      return due;
    }
  }

  /**
   * Takes or renews the delivery lease for {@code holder} until {@code now + ttlMs}: true when it holds it.
   * Another holder's lease is taken only once it has run out.
   */
  static boolean lease(Connection c, String holder, long now, long ttlMs) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_lease SET holder = ?, expires_at = ? "
        + "WHERE id = 1 AND (holder = ? OR holder IS NULL OR expires_at < ?)")) {
      ps.setString(1, holder);
      ps.setLong(2, now + ttlMs);
      ps.setString(3, holder);
      ps.setLong(4, now);
      return ps.executeUpdate() == 1;
    }
  }

  /** Gives the lease up (a clean stop), so that another instance takes over at once. */
  static void release(Connection c, String holder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE webhook_lease SET holder = NULL, expires_at = 0 WHERE id = 1 AND holder = ?")) {
      ps.setString(1, holder);
      ps.executeUpdate();
    }
  }

  /**
   * Claims attempt {@code entry.attempts() + 1} of an event for {@code holder}: only while it holds an
   * unexpired lease, and only if no one claimed that attempt already (a compare-and-set on the attempt
   * count, so two instances never send the same attempt, whatever their clocks say about the lease). The
   * next attempt becomes due at {@code retryAt}, in case this one never reports back. True when the caller
   * may send it.
   */
  static boolean claimAttempt(Connection c, String holder, Entry entry, long now, long retryAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_outbox SET attempts = attempts + 1, "
        + "next_attempt_at = ? WHERE event_id = ? AND attempts = ? AND EXISTS (SELECT 1 FROM webhook_lease "
        + "WHERE id = 1 AND holder = ? AND expires_at >= ?)")) {
      ps.setLong(1, retryAt);
      ps.setString(2, entry.eventId());
      ps.setInt(3, entry.attempts());
      ps.setString(4, holder);
      ps.setLong(5, now);
      return ps.executeUpdate() == 1;
    }
  }

  /** Attempt {@code attempts} failed early: the next is due at {@code at}, unless another was claimed since. */
  static void retryAt(Connection c, String eventId, int attempts, long at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE webhook_outbox SET next_attempt_at = ? WHERE event_id = ? AND attempts = ?")) {
      ps.setLong(1, at);
      ps.setString(2, eventId);
      ps.setInt(3, attempts);
      ps.executeUpdate();
    }
  }

  /** The event was delivered: it leaves the outbox (idempotent). */
  static void delivered(Connection c, String eventId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_outbox WHERE event_id = ?")) {
      ps.setString(1, eventId);
      ps.executeUpdate();
    }
  }

  /** Drops every event created before {@code cutoff}; returns how many. */
  static int dropOlderThan(Connection c, long cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_outbox WHERE created_at < ?")) {
      ps.setLong(1, cutoff);
      return ps.executeUpdate();
    }
  }

  /** Drops the oldest events past {@code max} queued; returns how many. */
  static int dropOverflow(Connection c, int max) throws SQLException {
    long queued = count(c);
    if (queued <= max) {
      return 0;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_outbox WHERE event_id IN ("
        + "SELECT event_id FROM webhook_outbox ORDER BY created_at, session_id, session_seq LIMIT ?)")) {
      ps.setLong(1, queued - max);
      return ps.executeUpdate();
    }
  }

  static long count(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM webhook_outbox");
         ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** A new event id: the idempotency key a receiver dedupes on. */
  static String newEventId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "evt_" + HexFormat.of().formatHex(bytes);
  }
}
