package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;

import java.util.ArrayList;
import java.util.List;

/**
 * What the relay must know about a session to configure an upstream and restore it: the interview, its
 * position, the flags that gate audio and responses, and the conversation so far. The session service owns
 * the truth; the relay refreshes this copy from every snapshot it receives and adds the turns it sees.
 */
final class ConversationState {

  /** Turns kept for restoring a new upstream session; the oldest are dropped first. */
  static final int MAX_TURNS = 200;

  private final String sessionId;
  private String instructions;
  private List<String> questions;
  private int currentQuestionIndex;
  private boolean paused;
  private boolean awaitingResume;
  private boolean textOnly;
  private final List<Turn> history = new ArrayList<>();

  ConversationState(SessionSnapshot snapshot) {
    this.sessionId = snapshot.sessionId();
    update(snapshot);
    history.addAll(snapshot.history());
  }

  /** Takes the session service's view of the flags and position; the history is the relay's own. */
  void update(SessionSnapshot snapshot) {
    instructions = snapshot.instructions();
    questions = snapshot.questions();
    currentQuestionIndex = snapshot.currentQuestionIndex();
    paused = snapshot.paused();
    awaitingResume = snapshot.awaitingResume();
    textOnly = snapshot.textOnly();
  }

  void addTurn(Turn turn) {
    history.add(turn);
    if (history.size() > MAX_TURNS) {
      history.remove(0);
    }
  }

  /** True while no client audio may reach the upstream and no response may start on its own. */
  boolean gated() {
    return paused || awaitingResume;
  }

  String sessionId() {
    return sessionId;
  }

  String instructions() {
    return instructions;
  }

  List<String> questions() {
    return questions;
  }

  int currentQuestionIndex() {
    return currentQuestionIndex;
  }

  String currentQuestion() {
    return questions.isEmpty() ? null : questions.get(Math.min(currentQuestionIndex, questions.size() - 1));
  }

  boolean paused() {
    return paused;
  }

  boolean textOnly() {
    return textOnly;
  }

  List<Turn> history() {
    return List.copyOf(history);
  }
}
