package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AnswerCuts: an answer the user spoke over keeps the part that was heard, once")
class AnswerCutsTest {

  private final ConversationState state = new ConversationState(ConversationStateTest.snapshot("s1", false, false, 0,
      List.of()));
  private final List<Turn> recorded = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final AnswerCuts cuts = new AnswerCuts(state, (turn, event) -> {
    state.addTurn(turn);
    recorded.add(turn);
    events.add(event);
  });

  @Test
  @DisplayName("a finished answer is cut at once; the played time is bounded by the audio sent; a second cut changes nothing")
  void finished() {
    cuts.audioSent("item_a", 48 * 2_000);
    state.addTurn(new Turn("item_a", Turn.ASSISTANT, "One two three four five six seven eight"));
    assertThat(cuts.cut("item_a", 1_000)).isEqualTo(1_000);
    assertThat(recorded).containsExactly(new Turn("item_a", Turn.ASSISTANT, "One two three four", 1_000L));
    assertThat(events.get(0)).contains("\"type\":\"transcript.truncated\"").contains("\"playedMs\":1000");
    assertThat(state.history()).containsExactly(new Turn("item_a", Turn.ASSISTANT, "One two three four", 1_000L));
    assertThat(cuts.cut("item_a", 500)).as("the upstream is told, the turn stays as first cut").isEqualTo(500);
    assertThat(recorded).hasSize(1);
    assertThat(cuts.cut("item_a", 9_000)).as("no more than was sent").isEqualTo(2_000);
  }

  @Test
  @DisplayName("an answer still streaming is cut when its text finishes; an unknown answer is not cut")
  void streaming() {
    cuts.audioSent("item_b", 48 * 1_000);
    assertThat(cuts.cut("item_b", 500)).isEqualTo(500);
    assertThat(recorded).isEmpty();
    cuts.audioSent("item_b", 48 * 1_000);
    state.addTurn(new Turn("item_b", Turn.ASSISTANT, "Alpha beta gamma delta"));
    cuts.apply();
    assertThat(recorded).containsExactly(new Turn("item_b", Turn.ASSISTANT, "Alpha", 500L));
    assertThat(cuts.cut("item_unknown", 10)).isEqualTo(-1);
    assertThat(recorded).hasSize(1);
  }
}
