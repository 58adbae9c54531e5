package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The stall fence")
class StallFenceTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final StallFence fence = new StallFence(8_500, now::get);

  @Test
  @DisplayName("lets a relay act through ticks and stalls shorter than the fence")
  void shortStalls() {
    for (int i = 0; i < 10; i++) {
      now.addAndGet(StallFence.TICK_MS);
      assertThat(fence.tick()).isFalse();
    }
    now.addAndGet(8_000);
    assertThat(fence.mayAct()).as("an 8 s stall, under the fence").isTrue();
    assertThat(fence.tick()).isFalse();
    assertThat(fence.longestStallMs()).isEqualTo(8_000);
  }

  @Test
  @DisplayName("fences from the first check after a long stall until the claims are confirmed")
  void longStall() {
    now.addAndGet(20_000);
    assertThat(fence.mayAct()).as("the first check after the stall, before any tick").isFalse();
    assertThat(fence.tick()).as("the tick asks for the claims check").isTrue();
    now.addAndGet(StallFence.TICK_MS);
    assertThat(fence.tick()).as("still waiting for the check").isTrue();
    assertThat(fence.mayAct()).isFalse();
    fence.confirmed();
    assertThat(fence.mayAct()).isTrue();
    now.addAndGet(StallFence.TICK_MS);
    assertThat(fence.tick()).isFalse();
  }
}
