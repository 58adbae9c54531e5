package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AnswerTracker: each turn gets exactly one answer, the one asked for it")
class AnswerTrackerTest {

  private final AnswerTracker tracker = new AnswerTracker();

  @Test
  @DisplayName("an item owes an answer once the upstream has it, and the completed response that names it settles it")
  void answeredByTheResponseThatNamesIt() {
    tracker.expect("vr_1");
    assertThat(tracker.nextToAnswer()).as("not before the upstream confirms the item").isNull();
    tracker.itemAdded("vr_1", 100);
    assertThat(tracker.nextToAnswer()).isEqualTo("vr_1");
    assertThat(tracker.owedSince("vr_1")).isEqualTo(100);
    tracker.responseCreated("vr_1");
    assertThat(tracker.nextToAnswer()).as("a response is answering it").isNull();
    tracker.responseDone("completed", 200);
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a response that names no turn (or another) answers nothing: speech's answer never counts for a typed turn")
  void unnamedResponseAnswersNothing() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1", 0);
    tracker.responseCreated(null);
    tracker.responseDone("completed", 10);
    tracker.responseCreated("item_unknown");
    tracker.responseDone("completed", 20);
    assertThat(tracker.nextToAnswer()).as("still owed").isEqualTo("vr_1");
  }

  @Test
  @DisplayName("speech committed with a typed turn gets its own answer after the typed turn's")
  void speechAfterTypedTurnIsAnsweredAfterIt() {
    tracker.expect("vr_typed");
    tracker.itemAdded("vr_typed", 0);
    tracker.spoken("item_speech", 5);
    assertThat(tracker.nextToAnswer()).as("the older turn first").isEqualTo("vr_typed");
    tracker.responseCreated("vr_typed");
    assertThat(tracker.nextToAnswer()).as("the speech waits for its own").isEqualTo("item_speech");
    tracker.responseDone("completed", 10);
    tracker.responseCreated("item_speech");
    tracker.responseDone("completed", 20);
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("speech that turn detection split is answered once, by an answer naming its last part")
  void splitSpeechSharesOneAnswer() {
    tracker.spoken("item_a", 0);
    tracker.spoken("item_b", 1);
    tracker.expect("vr_typed");
    tracker.itemAdded("vr_typed", 2);
    assertThat(tracker.nextToAnswer()).isEqualTo("item_b");
    tracker.responseCreated("item_b");
    tracker.responseDone("completed", 3);
    assertThat(tracker.nextToAnswer()).as("a typed turn is never answered with speech").isEqualTo("vr_typed");
    assertThat(tracker.pending()).isEqualTo(1);
  }

  @Test
  @DisplayName("a cancelled answer (barge-in, pause) is owed again from then, up to the attempt bound")
  void cancelledAnswerIsOwedAgain() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1", 0);
    for (int i = 1; i < AnswerTracker.MAX_ATTEMPTS; i++) {
      tracker.responseCreated("vr_1");
      tracker.responseDone("cancelled", i * 10L);
      assertThat(tracker.owedSince("vr_1")).as("attempt %d", i).isEqualTo(i * 10L);
    }
    tracker.responseCreated("vr_1");
    tracker.responseDone("failed", 100);
    assertThat(tracker.nextToAnswer()).as("given up after %d attempts", AnswerTracker.MAX_ATTEMPTS).isNull();
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a spoken turn's answer cut off (the user spoke over it) is not asked for again: the next words get the next")
  void spokenTurnCutOffIsDone() {
    tracker.spoken("item_speech", 0);
    tracker.responseCreated("item_speech");
    tracker.responseDone("cancelled", 10);
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a restored conversation carries every owed turn, including one being answered when the link went")
  void restoredConversation() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1", 0);
    tracker.responseCreated("vr_1");
    tracker.expect("vr_2");
    tracker.conversationRestored(50);
    assertThat(tracker.nextToAnswer()).isEqualTo("vr_1");
    assertThat(tracker.owedSince("vr_1")).isEqualTo(50);
    tracker.responseCreated("vr_1");
    tracker.responseDone("completed", 60);
    assertThat(tracker.nextToAnswer()).as("each added turn its own answer").isEqualTo("vr_2");
  }

  @Test
  @DisplayName("an item the upstream refused stops holding up what follows; the tracked items are bounded")
  void unconfirmedAndBounded() {
    tracker.expect("vr_refused");
    tracker.expect("vr_fine");
    tracker.refused("vr_refused");
    assertThat(tracker.pending()).as("only the refused item goes").isEqualTo(1);
    tracker.itemAdded("vr_fine", 0);
    tracker.refused("vr_fine");
    assertThat(tracker.pending()).as("an item the upstream confirmed stays").isEqualTo(1);
    for (int i = 0; i < AnswerTracker.MAX_ITEMS + 10; i++) {
      tracker.expect("vr_" + i);
    }
    assertThat(tracker.pending()).isEqualTo(AnswerTracker.MAX_ITEMS);
  }
}
