package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.bus.Turn;

import java.util.ArrayList;
import java.util.List;

/**
 * What the relay must know about a session to configure an upstream and restore it: the session service's
 * latest snapshot (the interview, its position, the flags that gate audio and responses) and the
 * conversation so far. The session service owns the truth; the relay takes every snapshot it receives and
 * adds the turns it sees, keeping the most recent {@link SessionSnapshot#MAX_HISTORY}.
 */
final class ConversationState {

  private SessionSnapshot snapshot;
  private final List<Turn> history = new ArrayList<>();

  ConversationState(SessionSnapshot snapshot) {
    this.snapshot = snapshot.withoutHistory();
    history.addAll(snapshot.history());
    trim();
  }

  /** Takes the session service's view of the flags and position; the history is the relay's own. */
  void update(SessionSnapshot latest) {
    if (!latest.sessionId().equals(snapshot.sessionId())) {
      throw new IllegalArgumentException("a snapshot of another session");
    }
    snapshot = latest.withoutHistory();
  }

  /** A finished turn joins the history; one of the same item (an answer the user cut short) replaces it. */
  void addTurn(Turn turn) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).itemId().equals(turn.itemId())) {
        history.set(i, turn);
        return;
      }
    }
    history.add(turn);
    trim();
  }

  /** The finished turn of {@code itemId} in the history, or null. */
  Turn turn(String itemId) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).itemId().equals(itemId)) {
        return history.get(i);
      }
    }
    return null;
  }

  private void trim() {
    while (history.size() > SessionSnapshot.MAX_HISTORY) {
      history.remove(0);
    }
  }

  /** The session service's latest view of the session, without its history (the relay's own is {@link #history}). */
  SessionSnapshot snapshot() {
    return snapshot;
  }

  /** The session's audio gate ({@link SessionSnapshot#audioGated()}), as the latest snapshot has it. */
  boolean gated() {
    return snapshot.audioGated();
  }

  String sessionId() {
    return snapshot.sessionId();
  }

  String instructions() {
    return snapshot.instructions();
  }

  List<String> questions() {
    return snapshot.questions();
  }

  int currentQuestionIndex() {
    return snapshot.currentQuestionIndex();
  }

  String currentQuestion() {
    return snapshot.currentQuestion();
  }

  boolean paused() {
    return snapshot.paused();
  }

  /** When the session's current run began: its maximum age counts from it. */
  long startedAt() {
    return snapshot.startedAt();
  }

  boolean textOnly() {
    return snapshot.textOnly();
  }

  /** The session's own upstream options (fixed at creation; unset ones are the relay's defaults). */
  UpstreamOptions upstreamOptions() {
    return snapshot.upstream();
  }

  /** The session's function tools (fixed at creation). */
  SessionTools tools() {
    return snapshot.tools();
  }

  List<Turn> history() {
    return List.copyOf(history);
  }
}
