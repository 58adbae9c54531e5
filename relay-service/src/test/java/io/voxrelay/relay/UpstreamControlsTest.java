package io.voxrelay.relay;

import io.voxrelay.common.bus.Control;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("UpstreamControls: what each control sends upstream, in which order")
class UpstreamControlsTest {

  private final ManualTimers timers = new ManualTimers();
  private final TurnTakingTest.Channel link = new TurnTakingTest.Channel();

  private ConversationState state(boolean paused) {
    return new ConversationState(ConversationStateTest.snapshot("s1", paused, false, 1, List.of()));
  }

  private List<String> typesSent() {
    return link.sent.stream().map(e -> Json.parse(e).path("type").asText()).toList();
  }

  @Test
  @DisplayName("pause: first no automatic answers, then the buffer cleared, then a running answer cancelled")
  void pause() {
    ConversationState state = state(true);
    link.activity.observe(new UpstreamEvent.ResponseCreated(null));
    UpstreamControls.apply(link, Control.PAUSE, state, UpstreamDefaultsForTest.DEFAULTS, new TurnTaking(state, timers, 0, (t, s) -> { }));
    assertThat(typesSent()).containsExactly("session.update", "input_audio_buffer.clear", "response.cancel");
    assertThat(Json.parse(link.sent.get(0)).path("session").toString()).contains("\"create_response\":false");
  }

  @Test
  @DisplayName("pause with no answer running cancels nothing; resume and text-only only reconfigure")
  void quietControls() {
    ConversationState state = state(true);
    TurnTaking turns = new TurnTaking(state, timers, 0, (t, s) -> { });
    UpstreamControls.apply(link, Control.PAUSE, state, UpstreamDefaultsForTest.DEFAULTS, turns);
    assertThat(typesSent()).containsExactly("session.update", "input_audio_buffer.clear");
    link.sent.clear();
    for (Control control : List.of(Control.RESUME, Control.TEXT_ONLY_ON, Control.TEXT_ONLY_OFF)) {
      UpstreamControls.apply(link, control, state, UpstreamDefaultsForTest.DEFAULTS, turns);
    }
    assertThat(typesSent()).containsExactly("session.update", "session.update", "session.update");
  }

  @Test
  @DisplayName("next question: the new question goes in as a system turn that owes an answer, unless paused")
  void nextQuestion() {
    ConversationState state = state(false);
    TurnTaking turns = new TurnTaking(state, timers, 0, (t, s) -> { });
    link.activity.observe(new UpstreamEvent.ResponseCreated(null));
    UpstreamControls.apply(link, Control.NEXT_QUESTION, state, UpstreamDefaultsForTest.DEFAULTS, turns);
    assertThat(typesSent()).containsExactly("session.update", "conversation.item.create", "response.cancel");
    assertThat(link.sent.get(1)).contains("Q2?");
    String item = link.itemsSent().get(0);
    link.hear(new UpstreamEvent.ResponseDone("cancelled"), turns);
    link.hear(new UpstreamEvent.ItemAdded(item), turns);
    turns.progress(link);
    assertThat(link.responseRequests).as("the moved-on question is answered").isEqualTo(1);

    TurnTakingTest.Channel pausedLink = new TurnTakingTest.Channel();
    ConversationState paused = state(true);
    TurnTaking pausedTurns = new TurnTaking(paused, timers, 0, (t, s) -> { });
    UpstreamControls.apply(pausedLink, Control.NEXT_QUESTION, paused, UpstreamDefaultsForTest.DEFAULTS, pausedTurns);
    pausedLink.hear(new UpstreamEvent.ItemAdded(pausedLink.itemsSent().get(0)), pausedTurns);
    paused.update(ConversationStateTest.snapshot("s1", false, false, 1, List.of()));
    pausedTurns.progress(pausedLink);
    assertThat(pausedLink.responseRequests).as("asked while paused: the AI waits to be resumed").isZero();
  }

  @Test
  @DisplayName("text and end are not carried out on a link")
  void notOnALink() {
    ConversationState state = state(false);
    TurnTaking turns = new TurnTaking(state, timers, 0, (t, s) -> { });
    assertThatThrownBy(() -> UpstreamControls.apply(link, Control.TEXT, state, UpstreamDefaultsForTest.DEFAULTS, turns))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> UpstreamControls.apply(link, Control.END, state, UpstreamDefaultsForTest.DEFAULTS, turns))
        .isInstanceOf(IllegalStateException.class);
  }
}
