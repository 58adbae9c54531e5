package io.voxrelay.session;

import com.fasterxml.jackson.core.type.TypeReference;
import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.Spend;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.SessionState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.voxrelay.session.Sql.bindLater;
import static io.voxrelay.session.Sql.later;

/**
 * The {@code sessions} table and {@link SessionRecord}: a row read by column name into a record, a record
 * inserted, and a change written under its version. The columns are named once, here.
 */
final class SessionRows {

  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
  };

  /** Columns that never change after creation: they are written once. */
  private static final List<String> FIXED = List.of("session_id", "instructions", "questions", "created_at", "tools",
      "upstream_options");
  /** Columns a change may write directly. */
  private static final List<String> STATE = List.of("version", "token_hash", "token_expires_at",
      "current_question_index", "paused", "awaiting_resume", "text_only", "ended", "termination_reason",
      "relay_node", "relay_epoch", "gateway_node", "connections", "started_at", "connection_id",
      "previous_token_hash", "metadata", "state", "upstream_failures", "webhook_seq", "limits", "budget_warned_at");
  /**
   * Timestamps, and the client cursor ({@link ClientCursor}), that only ever move forward, whoever writes: a
   * state change never undoes newer activity, nor a client message processed since it read the row.
   */
  private static final List<String> TIMES = List.of("last_heartbeat_at", "last_audio_activity_at",
      "last_interaction_at", "last_activity_at", "last_client_seq");
  /** The usage totals: written only by {@link UsageLedger}, read with the row. */
  private static final List<String> USAGE = List.of("usage_input_tokens", "usage_output_tokens",
      "usage_cached_tokens", "usage_input_text_tokens", "usage_input_audio_tokens", "usage_output_text_tokens",
      "usage_output_audio_tokens", "upstream_ms", "cost_micros");

  private static final String COLUMNS = String.join(", ", FIXED) + ", " + String.join(", ", STATE) + ", "
      + String.join(", ", TIMES) + ", " + String.join(", ", USAGE);
  private static final String SELECT = "SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?";
  /** A page of the list, newest first, after a cursor: a range of the state index (or the creation one). */
  private static final String PAGE_RANGE = "(created_at < ? OR (created_at = ? AND session_id < ?))"
      + " ORDER BY created_at DESC, session_id DESC LIMIT ?";
  private static final String PAGE_BY_STATE = "SELECT " + COLUMNS + " FROM sessions WHERE state = ? AND "
      + PAGE_RANGE;
  private static final String PAGE = "SELECT " + COLUMNS + " FROM sessions WHERE " + PAGE_RANGE;
  private static final String INSERT = "INSERT INTO sessions (" + String.join(", ", FIXED) + ", "
      + String.join(", ", STATE) + ", " + String.join(", ", TIMES) + ") VALUES ("
      + "?, ".repeat(FIXED.size() + STATE.size() + TIMES.size() - 1) + "?)";
  private static final String UPDATE = "UPDATE sessions SET "
      + String.join(", ", STATE.stream().map(c -> c + " = ?").toList()) + ", "
      + String.join(", ", TIMES.stream().map(c -> c + " = " + later(c)).toList())
      + " WHERE session_id = ? AND version = ?";

  private SessionRows() {
  }

  /** The session's row, with an empty history; null when there is none. */
  static SessionRecord read(Connection c, String sessionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? map(rs) : null;
      }
    }
  }

  /**
   * Up to {@code limit} sessions in {@code state} (null: in any), created before {@code before}, newest first;
   * without their history.
   */
  static List<SessionRecord> page(Connection c, SessionState state, ListCursor before, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(state == null ? PAGE : PAGE_BY_STATE)) {
      int i = 1;
      if (state != null) {
        ps.setString(i++, state.code());
      }
      ps.setLong(i++, before.createdAt());
      ps.setLong(i++, before.createdAt());
      ps.setString(i++, before.sessionId());
      ps.setInt(i, limit);
      List<SessionRecord> page = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          page.add(map(rs));
        }
      }
      return page;
    }
  }

  /** Maps the current row of {@code rs} (selected with {@link #SELECT}'s columns), by column name. */
  static SessionRecord map(ResultSet rs) throws SQLException {
    return SessionRecord.create(rs.getString("session_id"), rs.getString("instructions"),
            questions(rs.getString("questions")), json(rs, "tools", SessionTools.class, SessionTools.NONE),
            json(rs, "upstream_options", UpstreamOptions.class, UpstreamOptions.NONE), rs.getString("token_hash"),
            rs.getLong("token_expires_at"), rs.getLong("created_at"))
        .toBuilder()
        .version(rs.getLong("version"))
        .currentQuestionIndex(rs.getInt("current_question_index"))
        .paused(rs.getInt("paused") != 0)
        .awaitingResume(rs.getInt("awaiting_resume") != 0)
        .textOnly(rs.getInt("text_only") != 0)
        .ended(rs.getInt("ended") != 0)
        .terminationReason(rs.getString("termination_reason"))
        .relayNode(rs.getString("relay_node"))
        .relayEpoch(rs.getLong("relay_epoch"))
        .gatewayNode(rs.getString("gateway_node"))
        .connections(rs.getInt("connections"))
        .startedAt(rs.getLong("started_at"))
        .lastClientSeq(rs.getLong("last_client_seq"))
        .connectionId(rs.getString("connection_id"))
        .previousTokenHash(rs.getString("previous_token_hash"))
        .metadata(rs.getString("metadata"))
        .upstreamFailures(rs.getInt("upstream_failures"))
        .webhookSeq(rs.getLong("webhook_seq"))
        .limits(json(rs, "limits", Budget.class, Budget.NONE))
        .budgetWarnedAt(rs.getLong("budget_warned_at"))
        .lastHeartbeatAt(rs.getLong("last_heartbeat_at"))
        .lastAudioActivityAt(rs.getLong("last_audio_activity_at"))
        .lastInteractionAt(rs.getLong("last_interaction_at"))
        .build()
        .withSpend(new Spend(new Usage(rs.getLong("usage_input_tokens"), rs.getLong("usage_output_tokens"),
            rs.getLong("usage_cached_tokens"), rs.getLong("usage_input_text_tokens"),
            rs.getLong("usage_input_audio_tokens"), rs.getLong("usage_output_text_tokens"),
            rs.getLong("usage_output_audio_tokens")), rs.getLong("upstream_ms"), costUsd(rs)));
  }

  static void insert(Connection c, SessionRecord s) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      int i = 1;
      ps.setString(i++, s.sessionId());
      ps.setString(i++, s.instructions());
      ps.setString(i++, Json.write(s.questions()));
      ps.setLong(i++, s.createdAt());
      ps.setString(i++, s.tools().isEmpty() ? null : Json.write(s.tools()));
      ps.setString(i++, s.upstream().equals(UpstreamOptions.NONE) ? null : Json.write(s.upstream()));
      i = bindState(ps, i, s, s.version());
      ps.setLong(i++, s.lastHeartbeatAt());
      ps.setLong(i++, s.lastAudioActivityAt());
      ps.setLong(i++, s.lastInteractionAt());
      ps.setLong(i++, s.lastActivityAt());
      ps.setLong(i, s.lastClientSeq());
      ps.executeUpdate();
    }
  }

  /** Writes a change if the row is still at {@code expectedVersion}; false when another change won. */
  static boolean write(Connection c, long expectedVersion, SessionRecord s) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
      int i = bindState(ps, 1, s, expectedVersion + 1);
      i = bindLater(ps, i, s.lastHeartbeatAt());
      i = bindLater(ps, i, s.lastAudioActivityAt());
      i = bindLater(ps, i, s.lastInteractionAt());
      i = bindLater(ps, i, s.lastActivityAt());
      i = bindLater(ps, i, s.lastClientSeq());
      ps.setString(i++, s.sessionId());
      ps.setLong(i, expectedVersion);
      return ps.executeUpdate() == 1;
    }
  }

  /** Moves the live count by {@code delta}, in the caller's transaction with the change that caused it. */
  static void countLive(Connection c, int delta) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE session_counts SET live = live + ? WHERE id = 1")) {
      ps.setInt(1, delta);
      ps.executeUpdate();
    }
  }

  /** Binds the {@link #STATE} columns, in their order, from {@code index}; returns the next free index. */
  private static int bindState(PreparedStatement ps, int index, SessionRecord s, long version) throws SQLException {
    int i = index;
    ps.setLong(i++, version);
    ps.setString(i++, s.tokenHash());
    ps.setLong(i++, s.tokenExpiresAt());
    ps.setInt(i++, s.currentQuestionIndex());
    ps.setInt(i++, s.paused() ? 1 : 0);
    ps.setInt(i++, s.awaitingResume() ? 1 : 0);
    ps.setInt(i++, s.textOnly() ? 1 : 0);
    ps.setInt(i++, s.ended() ? 1 : 0);
    ps.setString(i++, s.terminationReason());
    ps.setString(i++, s.relayNode());
    ps.setLong(i++, s.relayEpoch());
    ps.setString(i++, s.gatewayNode());
    ps.setInt(i++, s.connections());
    ps.setLong(i++, s.startedAt());
    ps.setString(i++, s.connectionId());
    ps.setString(i++, s.previousTokenHash());
    ps.setString(i++, s.metadata());
    // Derived from the flags, and kept beside them so that sessions are listed by state through an index.
    ps.setString(i++, s.state().code());
    ps.setInt(i++, s.upstreamFailures());
    ps.setLong(i++, s.webhookSeq());
    ps.setString(i++, s.limits().isEmpty() ? null : Json.write(s.limits()));
    ps.setLong(i++, s.budgetWarnedAt());
    return i;
  }

  /** The estimated cost in dollars; null while none was priced (no price table, or none for the model). */
  private static Double costUsd(ResultSet rs) throws SQLException {
    long micros = rs.getLong("cost_micros");
    return rs.wasNull() ? null : micros / 1_000_000.0;
  }

  /** A JSON column read as {@code type}; {@code none} when it is null. */
  private static <T> T json(ResultSet rs, String column, Class<T> type, T none) throws SQLException {
    String json = rs.getString(column);
    if (json == null) {
      return none;
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + column + " column", e);
    }
  }

  private static List<String> questions(String json) {
    try {
      return Json.MAPPER.readValue(json, STRING_LIST);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable questions column", e);
    }
  }
}
