package io.voxrelay.session;

import io.voxrelay.common.bus.SessionSnapshot;

import java.util.List;

/** A session as the session service stores it, token hash included. Immutable: changes make a copy. */
record SessionRecord(String sessionId, String instructions, List<String> questions, String tokenHash,
                     long createdAt, int currentQuestionIndex, boolean paused, boolean awaitingResume,
                     String relayNode, String gatewayNode) {

  SessionRecord {
    questions = List.copyOf(questions);
  }

  static SessionRecord create(String sessionId, String instructions, List<String> questions, String tokenHash,
                              long now) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, now, 0, false, false, null, null);
  }

  SessionRecord withGatewayNode(String node) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, currentQuestionIndex,
        paused, awaitingResume, relayNode, node);
  }

  SessionRecord withRelayNode(String node) {
    return new SessionRecord(sessionId, instructions, questions, tokenHash, createdAt, currentQuestionIndex,
        paused, awaitingResume, node, gatewayNode);
  }

  SessionSnapshot snapshot() {
    return new SessionSnapshot(sessionId, instructions, questions, currentQuestionIndex, paused, awaitingResume,
        relayNode, gatewayNode, createdAt);
  }

  @Override
  public String toString() {
    return "SessionRecord[" + sessionId + "]";
  }
}
