package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("PartialAnswers: an answer cut off mid-stream becomes a turn with the text so far")
class PartialAnswersTest {

  private final PartialAnswers partials = new PartialAnswers();

  @Test
  @DisplayName("a finished answer leaves nothing to cut off; an unfinished one is cut off once")
  void cutOff() {
    partials.delta("item_a", "Hello ");
    partials.delta("item_a", "there.");
    partials.done("item_a");
    partials.delta("item_b", "Thank ");
    partials.delta("item_b", "you");
    assertThat(partials.cutOff()).containsExactly(new Turn("item_b", Turn.ASSISTANT, "Thank you"));
    assertThat(partials.cutOff()).isEmpty();
  }

  @Test
  @DisplayName("bounded in answers and characters")
  void bounded() {
    for (int i = 0; i < PartialAnswers.MAX_ANSWERS + 3; i++) {
      partials.delta("item_" + i, "x");
    }
    assertThat(partials.cutOff()).hasSize(PartialAnswers.MAX_ANSWERS);
    String big = "y".repeat(PartialAnswers.MAX_CHARS);
    partials.delta("item_big", big);
    partials.delta("item_big", "more");
    assertThat(partials.cutOff().get(0).text()).hasSize(PartialAnswers.MAX_CHARS);
  }
}
