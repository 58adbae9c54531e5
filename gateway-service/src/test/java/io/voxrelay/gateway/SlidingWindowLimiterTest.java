package io.voxrelay.gateway;

import io.voxrelay.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The sliding-window limiter")
class SlidingWindowLimiterTest {

  private final MutableClock clock = new MutableClock(0);
  private final SlidingWindowLimiter limiter = new SlidingWindowLimiter(3, 60_000, clock);

  @Test
  @DisplayName("refuses an address after the limit of failures within the window, and forgives it later")
  void slidingWindow() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.allows("203.0.113.9")).isTrue();
      limiter.record("203.0.113.9");
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(limiter.allows("203.0.113.9")).isFalse();
    assertThat(limiter.allows("198.51.100.1")).as("other addresses are not affected").isTrue();
    clock.advance(Duration.ofSeconds(31));
    assertThat(limiter.allows("203.0.113.9")).as("the first failure left the window").isTrue();
  }
}
