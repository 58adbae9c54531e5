package io.voxrelay.session;

import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;

import java.util.ArrayList;
import java.util.List;

/** A session as the session service stores it, token hash included. Immutable: changes make a copy. */
record SessionRecord(String sessionId, String instructions, List<String> questions, String tokenHash,
                     long createdAt, int currentQuestionIndex, boolean paused, boolean awaitingResume,
                     boolean textOnly, boolean ended, String relayNode, String gatewayNode, List<Turn> history) {

  /** Turns kept with the session; the oldest go first. */
  static final int MAX_HISTORY = 200;

  SessionRecord {
    questions = List.copyOf(questions);
    history = history == null ? List.of() : List.copyOf(history);
  }

  static SessionRecord create(String sessionId, String instructions, List<String> questions, String tokenHash,
                              long now) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, now, 0, false, false, false, false,
        null, null, List.of());
  }

  SessionRecord withGatewayNode(String node) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, currentQuestionIndex,
        paused, awaitingResume, textOnly, ended, relayNode, node, history);
  }

  SessionRecord withRelayNode(String node) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, currentQuestionIndex,
        paused, awaitingResume, textOnly, ended, node, gatewayNode, history);
  }

  SessionRecord withFlags(int questionIndex, boolean isPaused, boolean isAwaitingResume, boolean isTextOnly,
                          boolean isEnded) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, questionIndex,
        isPaused, isAwaitingResume, isTextOnly, isEnded, relayNode, gatewayNode, history);
  }

  SessionRecord withTurn(Turn turn) {
    List<Turn> turns = new ArrayList<>(history);
    turns.add(turn);
    if (turns.size() > MAX_HISTORY) {
      turns = turns.subList(turns.size() - MAX_HISTORY, turns.size());
    }
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, currentQuestionIndex,
        paused, awaitingResume, textOnly, ended, relayNode, gatewayNode, turns);
  }

  SessionSnapshot snapshot() {
    return new SessionSnapshot(sessionId, instructions, questions, currentQuestionIndex, paused, awaitingResume,
        textOnly, ended, relayNode, gatewayNode, createdAt, history);
  }

  @Override
  public String toString() {
    return "SessionRecord[" + sessionId + "]";
  }
}
