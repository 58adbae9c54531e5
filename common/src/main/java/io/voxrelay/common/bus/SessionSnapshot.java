package io.voxrelay.common.bus;

import java.util.List;

/**
 * What the session service knows about a session, as other services may see it (never the token hash).
 *
 * @param relayNode   the relay instance holding the upstream, or null when none does
 * @param gatewayNode the gateway instance holding the client, or null when none does
 */
public record SessionSnapshot(String sessionId, String instructions, List<String> questions,
                              int currentQuestionIndex, boolean paused, boolean awaitingResume,
                              String relayNode, String gatewayNode, long createdAt) {
  public SessionSnapshot {
    questions = List.copyOf(questions);
  }
}
