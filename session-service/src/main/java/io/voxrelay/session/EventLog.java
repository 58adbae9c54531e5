package io.voxrelay.session;

import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;


/**
 * A session's durable event stream ({@code session_events}): events numbered gap-free and stored with the
 * turns they finish ({@link HistoryRows}), replayed after a seq, pruned past the replay bound. Each method runs on a connection the caller holds, on a worker thread.
 */
final class EventLog {

  private final int replayMaxEvents;
  private final long replayMaxAgeMs;

  EventLog(int replayMaxEvents, long replayMaxAgeMs) {
    this.replayMaxEvents = replayMaxEvents;
    this.replayMaxAgeMs = replayMaxAgeMs;
  }

  /**
   * Reserves the seqs first (taking the session row's write lock), then appends the turns, stores the events
   * and drops what is past the replay bound, in one transaction: numbering is gap-free and follows the order
   * of appends, and a turn is in the history exactly when its event is in the stream.
   *
   * <p>Under the same lock: a batch whose {@code emitKey} is stored already is answered with the events it
   * stored then (those still kept), and nothing is written; a batch from a relay whose claim {@code relayEpoch}
   * is older than the session's fails with {@link StaleClaim}, and nothing is written either.
   */
  List<NumberedEvent> append(Connection c, String sessionId, String emitKey, long relayEpoch, List<String> events,
                             List<Turn> turns, long clientSeq, long now) throws SQLException {
    return Sql.inTransaction(c, () -> appendIn(c, sessionId, emitKey, relayEpoch, events, turns, clientSeq, now));
  }

  /** As {@link #append}, in the caller's transaction. */
  List<NumberedEvent> appendIn(Connection c, String sessionId, String emitKey, long relayEpoch, List<String> events,
                               List<Turn> turns, long clientSeq, long now) throws SQLException {
    long last;
    long epoch;
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE sessions SET last_event_seq = last_event_seq + ? WHERE session_id = ?")) {
      ps.setLong(1, events.size() * EventSeq.STRIDE);
      ps.setString(2, sessionId);
      if (ps.executeUpdate() != 1) {
        throw new NoSuchElementException("no session " + sessionId);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT last_event_seq, relay_epoch FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        last = rs.getLong(1);
        epoch = rs.getLong(2);
      }
    }
    if (LeaseTable.stale(relayEpoch, epoch)) {
      throw new StaleClaim(sessionId, relayEpoch, epoch);
    }
    List<NumberedEvent> stored = emitKey == null ? null : storedBatch(c, sessionId, emitKey);
    if (stored != null) {
      // Sent again after its reply was lost: what it stored then is the answer; the seqs reserved above roll
      // back with the transaction.
      throw new AlreadyStored(stored);
    }
    for (Turn turn : turns) {
      HistoryRows.insertTurn(c, sessionId, turn, now);
    }
    if (clientSeq > 0) {
      ClientCursor.advance(c, sessionId, clientSeq, now);
    }
    List<NumberedEvent> numbered = new ArrayList<>(events.size());
    long first = last - events.size() * EventSeq.STRIDE + EventSeq.STRIDE;
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO session_events (session_id, seq, created_at, event) VALUES (?, ?, ?, ?)")) {
      long seq = first;
      for (String event : events) {
        NumberedEvent numberedEvent = NumberedEvent.of(event, seq);
        numbered.add(numberedEvent);
        ps.setString(1, sessionId);
        ps.setLong(2, seq);
        ps.setLong(3, now);
        ps.setString(4, numberedEvent.json());
        ps.addBatch();
        seq += EventSeq.STRIDE;
      }
      ps.executeBatch();
    }
    if (emitKey != null) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_emits "
          + "(session_id, emit_key, first_seq, last_seq, created_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, sessionId);
        ps.setString(2, emitKey);
        ps.setLong(3, first);
        ps.setLong(4, last);
        ps.setLong(5, now);
        ps.executeUpdate();
      }
    }
    prune(c, sessionId, "seq <= ?", last - EventSeq.durable(replayMaxEvents));
    prune(c, sessionId, "created_at < ?", now - replayMaxAgeMs);
    pruneEmitKeys(c, sessionId, now - replayMaxAgeMs);
    return numbered;
  }

  /**
   * Forgets the idempotency keys of batches older than {@code cutoff}: a sender retries a batch for seconds,
   * and the keys are kept as long as the events are.
   */
  static void pruneEmitKeys(Connection c, String sessionId, long cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM session_emits WHERE session_id = ? AND created_at < ?")) {
      ps.setString(1, sessionId);
      ps.setLong(2, cutoff);
      ps.executeUpdate();
    }
  }

  /** The events a batch stored under {@code emitKey} (those still kept), or null when no batch used that key. */
  static List<NumberedEvent> storedBatch(Connection c, String sessionId, String emitKey) throws SQLException {
    long first;
    long last;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT first_seq, last_seq FROM session_emits WHERE session_id = ? AND emit_key = ?")) {
      ps.setString(1, sessionId);
      ps.setString(2, emitKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        first = rs.getLong(1);
        last = rs.getLong(2);
      }
    }
    List<NumberedEvent> events = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, event FROM session_events "
        + "WHERE session_id = ? AND seq >= ? AND seq <= ? ORDER BY seq")) {
      ps.setString(1, sessionId);
      ps.setLong(2, first);
      ps.setLong(3, last);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new NumberedEvent(rs.getLong(1), rs.getString(2)));
        }
      }
    }
    return events;
  }

  /** A batch stored before under its key: the transaction rolls back and the caller answers {@link #events}. */
  static final class AlreadyStored extends RuntimeException {
    final List<NumberedEvent> events;

    AlreadyStored(List<NumberedEvent> events) {
      super("batch stored already", null, false, false);
      this.events = events;
    }
  }

  /** Finds the sessions that have events created before a cutoff, oldest first, through {@code session_events_by_age}. */
  static final String EXPIRED_QUERY =
      "SELECT session_id FROM session_events WHERE created_at < ? ORDER BY created_at LIMIT ?";

  /**
   * Deletes the events created before {@code cutoff} (past the replay age) of up to {@code batch} sessions,
   * whatever their state, and raises their floors: a session that ended, or that nobody appends to any more,
   * keeps none of them until retention deletes it. Reads through the age index, so its cost follows what
   * expired. Returns how many sessions were pruned; a caller repeats while a whole batch went.
   */
  static int pruneExpired(Connection c, long cutoff, int batch) throws SQLException {
    // Idempotency keys of every session, through their own age index (ended sessions append nothing more).
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM session_emits WHERE created_at < ?")) {
      ps.setLong(1, cutoff);
      ps.executeUpdate();
    }
    Set<String> pruned = new LinkedHashSet<>();
    // Each round prunes at least the session of its first row, so at most `batch` rounds.
    int limit = batch * 8;
    while (pruned.size() < batch) {
      Set<String> found = new LinkedHashSet<>();
      int rows = 0;
      try (PreparedStatement ps = c.prepareStatement(EXPIRED_QUERY)) {
        ps.setLong(1, cutoff);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            found.add(rs.getString("session_id"));
          }
        }
      }
      for (String sessionId : found) {
        if (pruned.size() < batch && pruned.add(sessionId)) {
          prune(c, sessionId, "created_at < ?", cutoff);
        }
      }
      if (rows < limit) {
        break;
      }
    }
    return pruned.size();
  }

  /** Deletes a session's events matching {@code condition} and raises its floor past them. */
  static void prune(Connection c, String sessionId, String condition, long value) throws SQLException {
    int deleted;
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM session_events WHERE session_id = ? AND " + condition)) {
      ps.setString(1, sessionId);
      ps.setLong(2, value);
      deleted = ps.executeUpdate();
    }
    if (deleted > 0) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET event_floor = COALESCE("
          + "(SELECT MIN(seq) FROM session_events WHERE session_id = ?), last_event_seq + " + EventSeq.STRIDE
          + ") WHERE session_id = ?")) {
        ps.setString(1, sessionId);
        ps.setString(2, sessionId);
        ps.executeUpdate();
      }
    }
  }

  /** The stored events after {@code afterSeq}, and with {@code withHistory} the recent turns read after them. */
  static Replay replay(Connection c, String sessionId, long afterSeq, boolean withHistory) throws SQLException {
    long floor;
    long last;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT event_floor, last_event_seq FROM sessions WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no session " + sessionId);
        }
        floor = rs.getLong("event_floor");
        last = rs.getLong("last_event_seq");
      }
    }
    // Read after last_event_seq: turns are stored with their events, so this holds every turn up to it.
    List<Turn> history = withHistory ? HistoryRows.recentTurns(c, sessionId) : List.of();
    List<NumberedEvent> events = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT seq, event FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq")) {
      ps.setString(1, sessionId);
      ps.setLong(2, afterSeq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new NumberedEvent(rs.getLong("seq"), rs.getString("event")));
        }
      }
    }
    // Some durable event after afterSeq is gone when the first one the client needs is below the floor.
    return new Replay(events, afterSeq < last && EventSeq.nextDurable(afterSeq) < floor, last, history);
  }
}
