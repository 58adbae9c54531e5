package io.voxrelay.common.rate;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("IntervalGate: at most once per interval, the first time at once")
class IntervalGateTest {

  @Test
  @DisplayName("passes the first time, then only once the interval has gone by")
  void oncePerInterval() {
    IntervalGate gate = new IntervalGate(1_000);
    assertThat(gate.tryPass(-5_000)).as("the first time, whatever the clock").isTrue();
    assertThat(gate.tryPass(-4_001)).isFalse();
    assertThat(gate.tryPass(-4_000)).isTrue();
    assertThat(gate.tryPass(-3_500)).isFalse();
  }
}
