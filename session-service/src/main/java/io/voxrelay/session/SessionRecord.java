package io.voxrelay.session;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.SessionStatus;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.bus.Spend;
import io.voxrelay.common.protocol.SessionState;

import java.util.List;

/**
 * A session as the session service stores it, token hash included (which never leaves this service).
 * Immutable: {@link #toBuilder()} makes changed copies.
 *
 * @param version          optimistic-concurrency version, bumped by every stored change
 * @param tokenHash        SHA-256 of the one valid resume token
 * @param connections      how many times a client has connected
 * @param startedAt        start of the current run: creation, or the last resume after a termination
 * @param relayEpoch       the fencing token of the current (or last) relay claim: raised by every grant
 * @param connectionId     the session's one live client connection
 * @param previousTokenHash the token a rotation replaced, valid until the client confirms the new one
 * @param metadata         the app backend's own JSON object (the session API), or null
 * @param upstreamFailures how many times a relay gave up reopening its upstream
 * @param webhookSeq       the per-session number of the last lifecycle webhook queued for it (their order)
 * @param tools            the function tools its model may call, fixed at creation
 * @param upstream         its own upstream session options, fixed at creation
 * @param limits           its limits on what it may cost (the app's backend may change them)
 * @param budgetWarnedAt   when the client and the backend were warned that it nears a limit; 0: not since the
 *                         limits were last set
 * @param spend            what its upstreams cost, in all ({@link UsageLedger}; read-only here)
 * @param history          the most recent turns, oldest first (the store keeps them all)
 */
record SessionRecord(String sessionId, long version, String instructions, List<String> questions, long createdAt,
                     String tokenHash, long tokenExpiresAt, int currentQuestionIndex, boolean paused,
                     boolean awaitingResume, boolean textOnly, boolean ended, String terminationReason,
                     String relayNode, long relayEpoch, String gatewayNode, int connections, long startedAt,
                     long lastHeartbeatAt, long lastAudioActivityAt, long lastInteractionAt, long lastClientSeq,
                     String connectionId, String previousTokenHash, String metadata,
                     int upstreamFailures, long webhookSeq, SessionTools tools, UpstreamOptions upstream,
                     Budget limits, long budgetWarnedAt, Spend spend, List<Turn> history) {

  SessionRecord {
    questions = List.copyOf(questions);
    history = history == null ? List.of() : List.copyOf(history);
    tools = tools == null ? SessionTools.NONE : tools;
    upstream = upstream == null ? UpstreamOptions.NONE : upstream;
    spend = spend == null ? Spend.NONE : spend;
    limits = limits == null ? Budget.NONE : limits;
  }

  static SessionRecord create(String sessionId, String instructions, List<String> questions, String tokenHash,
                              long tokenExpiresAt, long now) {
    return new SessionRecord(sessionId, 0, instructions, questions, now, tokenHash, tokenExpiresAt, 0, false, false,
        false, false, null, null, 0, null, 0, now, now, now, now, 0, null, null, null, 0, 0, SessionTools.NONE,
        UpstreamOptions.NONE, Budget.NONE, 0, Spend.NONE, List.of());
  }

  /** A new session with {@code tools} and {@code upstream} options. */
  static SessionRecord create(String sessionId, String instructions, List<String> questions, SessionTools tools,
                              UpstreamOptions upstream, String tokenHash, long tokenExpiresAt, long now) {
    SessionRecord s = create(sessionId, instructions, questions, tokenHash, tokenExpiresAt, now);
    return new SessionRecord(s.sessionId, s.version, s.instructions, s.questions, s.createdAt, s.tokenHash,
        s.tokenExpiresAt, s.currentQuestionIndex, s.paused, s.awaitingResume, s.textOnly, s.ended, s.terminationReason,
        s.relayNode, s.relayEpoch, s.gatewayNode, s.connections, s.startedAt, s.lastHeartbeatAt, s.lastAudioActivityAt,
        s.lastInteractionAt, s.lastClientSeq, s.connectionId, s.previousTokenHash, s.metadata,
        s.upstreamFailures, s.webhookSeq, tools, upstream, s.limits, s.budgetWarnedAt, s.spend, s.history);
  }

  SessionSnapshot snapshot() {
    return new SessionSnapshot(sessionId, instructions, questions, currentQuestionIndex, paused, awaitingResume,
        textOnly, ended, relayNode, gatewayNode, createdAt, startedAt, history, lastClientSeq, tools, upstream,
        limits, spend);
  }

  /** Its state in the session API, and in the store's {@code state} column. */
  SessionState state() {
    return SessionState.of(ended, awaitingResume, terminationReason);
  }

  /** What the app's backend may read about it. */
  SessionStatus status() {
    return new SessionStatus(sessionId, state().code(), currentQuestionIndex, questions.size(), paused, textOnly,
        terminationReason, gatewayNode != null, relayNode != null, upstreamFailures, connections, createdAt, startedAt,
        lastHeartbeatAt, lastActivityAt(), metadata, spend.usage(), spend.upstreamMs(), limits, spend.costUsd());
  }

  /** This record with the spend totals read from its row. */
  SessionRecord withSpend(Spend totals) {
    return new SessionRecord(sessionId, version, instructions, questions, createdAt, tokenHash, tokenExpiresAt,
        currentQuestionIndex, paused, awaitingResume, textOnly, ended, terminationReason, relayNode, relayEpoch,
        gatewayNode, connections, startedAt, lastHeartbeatAt, lastAudioActivityAt, lastInteractionAt, lastClientSeq,
        connectionId, previousTokenHash, metadata, upstreamFailures, webhookSeq, tools, upstream,
        limits, budgetWarnedAt, totals, history);
  }

  SessionRecord withVersion(long newVersion) {
    return toBuilder().version(newVersion).build();
  }

  /**
   * Connected at least once, not ended, not awaiting resume: what the watchdog sweeps and counts. The store
   * keeps the number of live sessions as this changes.
   */
  boolean live() {
    return !ended && !awaitingResume && connections > 0;
  }

  /** The later of the last forwarded audio and the last interaction: what idleness is measured from. */
  long lastActivityAt() {
    return Math.max(lastAudioActivityAt, lastInteractionAt);
  }

  Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    return "SessionRecord[" + sessionId + " v" + version + "]";
  }

  /** A changed copy of a session; fields not set keep their values. */
  static final class Builder {
    private final SessionRecord from;
    private long version;
    private String tokenHash;
    private long tokenExpiresAt;
    private int currentQuestionIndex;
    private boolean paused;
    private boolean awaitingResume;
    private boolean textOnly;
    private boolean ended;
    private String terminationReason;
    private String relayNode;
    private long relayEpoch;
    private String gatewayNode;
    private int connections;
    private long startedAt;
    private long lastHeartbeatAt;
    private long lastAudioActivityAt;
    private long lastInteractionAt;
    private long lastClientSeq;
    private String connectionId;
    private String previousTokenHash;
    private String metadata;
    private Budget limits;
    private long budgetWarnedAt;
    private int upstreamFailures;
    private long webhookSeq;
    private List<Turn> history;

    private Builder(SessionRecord s) {
      from = s;
      version = s.version;
      tokenHash = s.tokenHash;
      tokenExpiresAt = s.tokenExpiresAt;
      currentQuestionIndex = s.currentQuestionIndex;
      paused = s.paused;
      awaitingResume = s.awaitingResume;
      textOnly = s.textOnly;
      ended = s.ended;
      terminationReason = s.terminationReason;
      relayNode = s.relayNode;
      relayEpoch = s.relayEpoch;
      gatewayNode = s.gatewayNode;
      connections = s.connections;
      startedAt = s.startedAt;
      lastHeartbeatAt = s.lastHeartbeatAt;
      lastAudioActivityAt = s.lastAudioActivityAt;
      lastInteractionAt = s.lastInteractionAt;
      lastClientSeq = s.lastClientSeq;
      connectionId = s.connectionId;
      previousTokenHash = s.previousTokenHash;
      metadata = s.metadata;
      limits = s.limits;
      budgetWarnedAt = s.budgetWarnedAt;
      upstreamFailures = s.upstreamFailures;
      webhookSeq = s.webhookSeq;
      history = s.history;
    }

    Builder version(long value) {
      version = value;
      return this;
    }

    Builder lastAudioActivityAt(long value) {
      lastAudioActivityAt = value;
      return this;
    }

    Builder lastClientSeq(long value) {
      lastClientSeq = value;
      return this;
    }

    Builder connectionId(String value) {
      connectionId = value;
      return this;
    }

    Builder previousTokenHash(String value) {
      previousTokenHash = value;
      return this;
    }

    Builder startedAt(long value) {
      startedAt = value;
      return this;
    }

    Builder lastHeartbeatAt(long value) {
      lastHeartbeatAt = value;
      return this;
    }

    Builder lastInteractionAt(long value) {
      lastInteractionAt = value;
      return this;
    }

    Builder token(String hash, long expiresAt) {
      tokenHash = hash;
      tokenExpiresAt = expiresAt;
      return this;
    }

    Builder currentQuestionIndex(int value) {
      currentQuestionIndex = value;
      return this;
    }

    Builder paused(boolean value) {
      paused = value;
      return this;
    }

    Builder awaitingResume(boolean value) {
      awaitingResume = value;
      return this;
    }

    Builder textOnly(boolean value) {
      textOnly = value;
      return this;
    }

    Builder ended(boolean value) {
      ended = value;
      return this;
    }

    Builder terminationReason(String value) {
      terminationReason = value;
      return this;
    }

    Builder relayNode(String value) {
      relayNode = value;
      return this;
    }

    Builder relayEpoch(long value) {
      relayEpoch = value;
      return this;
    }

    Builder gatewayNode(String value) {
      gatewayNode = value;
      return this;
    }

    Builder connections(int value) {
      connections = value;
      return this;
    }

    Builder budgetWarnedAt(long value) {
      budgetWarnedAt = value;
      return this;
    }

    Builder limits(Budget value) {
      limits = value;
      return this;
    }

    Builder metadata(String value) {
      metadata = value;
      return this;
    }

    Builder upstreamFailures(int value) {
      upstreamFailures = value;
      return this;
    }

    Builder webhookSeq(long value) {
      webhookSeq = value;
      return this;
    }

    Builder history(List<Turn> value) {
      history = value;
      return this;
    }

    SessionRecord build() {
      SessionRecord s = from;
      return new SessionRecord(s.sessionId, version, s.instructions, s.questions, s.createdAt, tokenHash,
          tokenExpiresAt, currentQuestionIndex, paused, awaitingResume, textOnly, ended, terminationReason, relayNode,
          relayEpoch, gatewayNode, connections, startedAt, lastHeartbeatAt, lastAudioActivityAt, lastInteractionAt,
          lastClientSeq, connectionId, previousTokenHash, metadata, upstreamFailures, webhookSeq,
          s.tools, s.upstream, limits, budgetWarnedAt, s.spend, history);
    }
  }
}
