package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AnswerTracker: each item the relay adds gets exactly one answer")
class AnswerTrackerTest {

  private final AnswerTracker tracker = new AnswerTracker();

  @Test
  @DisplayName("an item owes an answer once the upstream has it, and a completed response after it settles it")
  void answeredByACompletedResponse() {
    tracker.expect("vr_1");
    assertThat(tracker.owesAnswer()).as("not before the upstream confirms the item").isFalse();
    tracker.itemAdded("vr_1");
    assertThat(tracker.owesAnswer()).isTrue();
    tracker.responseCreated();
    assertThat(tracker.owesAnswer()).as("a response is answering it").isFalse();
    tracker.responseDone("completed");
    assertThat(tracker.owesAnswer()).isFalse();
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a response that began before the item entered does not answer it (typed text during an answer)")
  void responseThatBeganBeforeDoesNotCount() {
    tracker.responseCreated();
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1");
    tracker.responseDone("completed");
    assertThat(tracker.owesAnswer()).as("still owed after the earlier answer finished").isTrue();
    tracker.responseCreated();
    tracker.responseDone("completed");
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a response turn detection began after the item entered answers it: no second one is owed")
  void turnDetectionResponseAnswersIt() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1");
    // Turn detection's response wins the race with ours; ours is refused, which changes nothing here.
    tracker.responseCreated();
    tracker.responseDone("completed");
    assertThat(tracker.owesAnswer()).isFalse();
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a cancelled answer (barge-in, pause) is owed again, up to the attempt bound")
  void cancelledAnswerIsOwedAgain() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1");
    for (int i = 1; i < AnswerTracker.MAX_ATTEMPTS; i++) {
      tracker.responseCreated();
      tracker.responseDone("cancelled");
      assertThat(tracker.owesAnswer()).as("attempt %d", i).isTrue();
    }
    tracker.responseCreated();
    tracker.responseDone("failed");
    assertThat(tracker.owesAnswer()).as("given up after %d attempts", AnswerTracker.MAX_ATTEMPTS).isFalse();
    assertThat(tracker.pending()).isZero();
  }

  @Test
  @DisplayName("a restored conversation carries every owed item, including one being answered when the link went")
  void restoredConversation() {
    tracker.expect("vr_1");
    tracker.itemAdded("vr_1");
    tracker.responseCreated();
    tracker.expect("vr_2");
    tracker.conversationRestored();
    assertThat(tracker.owesAnswer()).isTrue();
    tracker.responseCreated();
    tracker.responseDone("completed");
    assertThat(tracker.pending()).as("one answer for both").isZero();
  }

  @Test
  @DisplayName("an item the upstream refused stops holding up what follows; the tracked items are bounded")
  void unconfirmedAndBounded() {
    tracker.expect("vr_refused");
    tracker.expect("vr_fine");
    tracker.refused("vr_refused");
    assertThat(tracker.pending()).as("only the refused item goes").isEqualTo(1);
    tracker.itemAdded("vr_fine");
    tracker.refused("vr_fine");
    assertThat(tracker.pending()).as("an item the upstream confirmed stays").isEqualTo(1);
    tracker.responseCreated();
    tracker.responseDone("completed");
    for (int i = 0; i < AnswerTracker.MAX_ITEMS + 10; i++) {
      tracker.expect("vr_" + i);
    }
    assertThat(tracker.pending()).isEqualTo(AnswerTracker.MAX_ITEMS);
  }
}
