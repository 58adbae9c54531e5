package io.voxrelay.common.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSeqTest {

  @Test
  @DisplayName("durable events are multiples of the stride; transient ones sit between them")
  void arithmetic() {
    long three = EventSeq.durable(3);
    assertThat(EventSeq.isDurable(three)).isTrue();
    assertThat(EventSeq.isDurable(three + 1)).isFalse();
    assertThat(EventSeq.durableCount(three + 5)).isEqualTo(3);
    assertThat(EventSeq.nextDurable(three)).isEqualTo(EventSeq.durable(4));
    assertThat(EventSeq.nextDurable(three + 5)).isEqualTo(EventSeq.durable(4));
    assertThat(EventSeq.nextDurable(0)).isEqualTo(EventSeq.durable(1));
    assertThat(EventSeq.ceiling(three)).isEqualTo(EventSeq.durable(4) - 1);
    assertThat(EventSeq.ceiling(0)).isEqualTo(EventSeq.STRIDE - 1);
  }

  @Test
  @DisplayName("one rule says which events are stored: transient progress is not, state and turns are")
  void kinds() {
    assertThat(EventKind.of(ServerEvents.transcriptDelta("assistant", "i", "x"))).isEqualTo(EventKind.TRANSIENT);
    assertThat(EventKind.of(ServerEvents.speechStarted())).isEqualTo(EventKind.TRANSIENT);
    assertThat(EventKind.of(ServerEvents.responseDone("completed"))).isEqualTo(EventKind.TRANSIENT);
    assertThat(EventKind.of(ServerEvents.transcriptDone("user", "i", "x"))).isEqualTo(EventKind.DURABLE);
    assertThat(EventKind.of(ServerEvents.interviewPaused())).isEqualTo(EventKind.DURABLE);
    assertThat(EventKind.of(ServerEvents.error("invalid_state", "no"))).isEqualTo(EventKind.DURABLE);
    assertThat(EventKind.of(ServerEvents.upstreamRestored("dropped", 2))).isEqualTo(EventKind.DURABLE);
    assertThat(EventKind.of(ServerEvents.audio("item_1", 0, "AAAA"))).isEqualTo(EventKind.LIVE);
    assertThat(EventKind.of(ServerEvents.heartbeatPong())).isEqualTo(EventKind.LIVE);
    assertThatThrownBy(() -> EventKind.of("{\"seq\":1,\"type\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
  }
}
