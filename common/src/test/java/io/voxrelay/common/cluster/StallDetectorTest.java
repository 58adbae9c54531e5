package io.voxrelay.common.cluster;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("StallDetector: a gap between ticks as long as the failure timeout is a stall")
class StallDetectorTest {

  private static final long MS = 1_000_000;

  @Test
  @DisplayName("regular ticks, and a stall just under the threshold, are not stalls; one at the threshold is, once")
  void gaps() {
    StallDetector detector = new StallDetector(Duration.ofSeconds(5), 1_000 * MS);
    assertThat(detector.tick(1_250 * MS)).isZero();
    assertThat(detector.tick(1_500 * MS)).isZero();
    assertThat(detector.tick(6_499 * MS)).as("4 999 ms: a stall past the bus timeout only").isZero();
    assertThat(detector.tick(11_499 * MS)).as("5 000 ms").isEqualTo(5_000 * MS);
    assertThat(detector.tick(11_749 * MS)).as("ticks after it measure from it").isZero();
    assertThat(detector.tick(31_749 * MS)).isEqualTo(20_000 * MS);
  }

  @Test
  @DisplayName("a threshold of zero is refused")
  void zeroThreshold() {
    assertThatThrownBy(() -> new StallDetector(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
