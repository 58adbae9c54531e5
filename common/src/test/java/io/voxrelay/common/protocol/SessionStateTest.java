package io.voxrelay.common.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A session's API state")
class SessionStateTest {

  @Test
  @DisplayName("follows from the flags: ended first, then awaiting resume with or without a termination, else live")
  void fromFlags() {
    assertThat(SessionState.of(false, false, null)).isEqualTo(SessionState.LIVE);
    assertThat(SessionState.of(false, true, null)).isEqualTo(SessionState.AWAITING_RESUME);
    assertThat(SessionState.of(false, true, "idle_timeout")).isEqualTo(SessionState.TERMINATED);
    assertThat(SessionState.of(true, false, "ended")).isEqualTo(SessionState.ENDED);
    assertThat(SessionState.of(true, true, "heartbeat_timeout")).isEqualTo(SessionState.ENDED);
  }

  @Test
  @DisplayName("parses the codes it writes, and nothing else")
  void parses() {
    for (SessionState state : SessionState.values()) {
      assertThat(SessionState.parse(state.code())).contains(state);
    }
    assertThat(SessionState.parse("LIVE")).isEmpty();
    assertThat(SessionState.parse("")).isEmpty();
    assertThat(SessionState.parse(null)).isEmpty();
  }
}
