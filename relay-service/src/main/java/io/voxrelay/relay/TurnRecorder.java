package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.ServerEvents;

/**
 * Finished turns, into the conversation and to the client: each turn joins the relay's history and goes, with
 * its {@code transcript.done} event, to be stored in one transaction. An answer cut off before its transcript
 * finished becomes a finished turn with the text the client has, marked interrupted ({@link PartialAnswers}),
 * so nothing stays half-drawn and the history agrees with the screen.
 */
final class TurnRecorder {

  private final ConversationState state;
  private final ClientFeed feed;
  private final Runnable unstored;
  private final PartialAnswers partialAnswers = new PartialAnswers();

  /** @param unstored called when a turn cannot even be queued for storing (the session must stop) */
  TurnRecorder(ConversationState state, ClientFeed feed, Runnable unstored) {
    this.state = state;
    this.feed = feed;
    this.unstored = unstored;
  }

  /** A piece of an answer reached the client. */
  void answerDelta(String itemId, String delta) {
    partialAnswers.delta(itemId, delta);
  }

  /** An answer finished with its whole text. */
  void answerDone(String itemId, String text) {
    partialAnswers.done(itemId);
    record(new Turn(itemId, Turn.ASSISTANT, text), 0);
  }

  /** Answers still streaming stop here (the response ended, the link went): each becomes an interrupted turn. */
  void cutOff() {
    for (Turn turn : partialAnswers.cutOff()) {
      record(turn, ServerEvents.transcriptInterrupted(turn.itemId(), turn.text()), 0);
    }
  }

  /** A finished turn; {@code clientSeq} (else 0) is the client message it carried out. */
  void record(Turn turn, long clientSeq) {
    record(turn, ServerEvents.transcriptDone(turn.role(), turn.itemId(), turn.text()), clientSeq);
  }

  /** A turn that is not a transcript line (a tool's call or output), stored with its own client event. */
  void recordWith(Turn turn, String clientEvent) {
    record(turn, clientEvent, 0);
  }

  private void record(Turn turn, String doneEvent, long clientSeq) {
    state.addTurn(turn);
    if (!feed.sendTurn(doneEvent, turn, clientSeq)) {
      unstored.run();
    }
  }
}
