package io.voxrelay.common.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("CloseCode: v1's numbers never change, and each code's retry class follows its range")
class CloseCodeTest {

  @Test
  @DisplayName("every code is retryable exactly when its range says so")
  void retryClassFollowsTheRange() {
    for (CloseCode code : CloseCode.values()) {
      assertThat(code.retryable()).as("%s (%d)", code, code.code())
          .isEqualTo(CloseCode.retryableByRange(code.code()));
    }
    assertThat(CloseCode.retryableByRange(4100)).isTrue();
    assertThat(CloseCode.retryableByRange(4399)).isTrue();
    assertThat(CloseCode.retryableByRange(4099)).isFalse();
    assertThat(CloseCode.retryableByRange(4400)).isFalse();
    assertThat(CloseCode.retryableByRange(1006)).as("the browser's own: the client decides").isFalse();
  }

  @Test
  @DisplayName("protocol v1's codes keep their numbers, and connected lists the retryable ones")
  void v1Numbers() {
    assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::code))
        .containsExactlyInAnyOrder(1000, 1002, 1008, 1012, 1009, 1011, 1013, 4000, 4400, 4401, 4410, 4429, 4408, 4409);
    Set<Integer> unique = new HashSet<>();
    for (CloseCode code : CloseCode.values()) {
      assertThat(unique.add(code.code())).as("one name per number").isTrue();
    }
    assertThat(CloseCode.retryableCodes()).containsExactly(1011, 1012, 1013);
    assertThat(ServerEvents.connected(new io.voxrelay.common.bus.SessionSnapshot("s", "i", java.util.List.of(), 0,
            false, false, false, false, null, null, 0, 0, null, 0), "t", false, 0, 1_234))
        .contains("\"heartbeatIntervalMs\":1234", "\"retryableCloseCodes\":[1011,1012,1013]");
  }
}
