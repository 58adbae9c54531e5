package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ConversationState: the session's flags from its latest snapshot, the history capped once")
class ConversationStateTest {

  static SessionSnapshot snapshot(String id, boolean paused, boolean awaitingResume, int question, List<Turn> history) {
    return new SessionSnapshot(id, "Be kind.", List.of("Q1?", "Q2?"), question, paused, awaitingResume, false, false,
        null, null, 0, 0, history, 0);
  }

  @Test
  @DisplayName("the audio gate is the snapshot's: closed while paused or awaiting resume")
  void gateFollowsTheSnapshot() {
    ConversationState state = new ConversationState(snapshot("s1", false, false, 0, List.of()));
    assertThat(state.gated()).isFalse();
    state.update(snapshot("s1", true, false, 1, List.of()));
    assertThat(state.gated()).isTrue();
    assertThat(state.currentQuestion()).isEqualTo("Q2?");
    state.update(snapshot("s1", false, true, 1, List.of()));
    assertThat(state.gated()).isTrue();
    state.update(snapshot("s1", false, false, 1, List.of()));
    assertThat(state.gated()).isFalse();
  }

  @Test
  @DisplayName("the relay's own history survives snapshots and keeps the most recent MAX_HISTORY turns")
  void historyIsCapped() {
    List<Turn> stored = new ArrayList<>();
    for (int i = 0; i < SessionSnapshot.MAX_HISTORY; i++) {
      stored.add(new Turn("i" + i, Turn.USER, "t" + i));
    }
    ConversationState state = new ConversationState(snapshot("s1", false, false, 0, stored));
    state.addTurn(new Turn("new", Turn.ASSISTANT, "latest"));
    state.update(snapshot("s1", false, false, 0, List.of()));
    assertThat(state.history()).hasSize(SessionSnapshot.MAX_HISTORY);
    assertThat(state.history().get(0).itemId()).as("the oldest went").isEqualTo("i1");
    assertThat(state.history().get(SessionSnapshot.MAX_HISTORY - 1).itemId()).isEqualTo("new");
  }

  @Test
  @DisplayName("a snapshot of another session is refused")
  void otherSession() {
    ConversationState state = new ConversationState(snapshot("s1", false, false, 0, List.of()));
    assertThatThrownBy(() -> state.update(snapshot("s2", false, false, 0, List.of())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
