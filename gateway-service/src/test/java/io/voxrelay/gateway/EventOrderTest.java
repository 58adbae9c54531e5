package io.voxrelay.gateway;

import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.NumberedEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventOrderTest {

  private final List<String> written = new ArrayList<>();
  private final List<Long> relayTold = new ArrayList<>();
  private final EventOrder.Sink sink = new EventOrder.Sink() {
    @Override
    public void write(String json, int closeCode) {
      written.add(json);
    }

    @Override
    public void relayBehind(long lastDurable) {
      relayTold.add(lastDurable);
    }
  };

  /** Offers a numbered event with {@code seq}. */
  private static void offer(EventOrder order, long seq, int closeCode) {
    order.offer(seq, NumberedEvent.of("{\"type\":\"e\"}", seq).json(), closeCode);
  }

  private static long d(long n) {
    return EventSeq.durable(n);
  }

  private List<Long> seqsWritten() {
    return written.stream().map(json -> Json.parse(json).path("seq").asLong(0)).toList();
  }

  @Test
  @DisplayName("durable and transient events go out in seq order, each once")
  void inOrderOnce() {
    EventOrder order = new EventOrder(0, sink);
    for (long seq : new long[] {d(1), d(1) + 1, d(1) + 2, d(2), d(2) + 1, d(1) + 2, d(2)}) {
      offer(order, seq, 0);
    }
    assertThat(seqsWritten()).containsExactly(d(1), d(1) + 1, d(1) + 2, d(2), d(2) + 1);
    assertThat(order.hasGap()).isFalse();
  }

  @Test
  @DisplayName("a transient event never waits for the store, but does wait for a durable event before it")
  void transientsWaitOnlyForMissingDurables() {
    EventOrder order = new EventOrder(d(3) + 5, sink);
    offer(order, d(3) + 6, 0);
    assertThat(seqsWritten()).as("next transient: out at once").containsExactly(d(3) + 6);
    offer(order, d(4) + 1, 0);
    offer(order, d(5), 0);
    assertThat(order.hasGap()).as("durable 4 is missing").isTrue();
    assertThat(seqsWritten()).containsExactly(d(3) + 6);
    offer(order, d(4), 0);
    assertThat(seqsWritten()).containsExactly(d(3) + 6, d(4), d(4) + 1, d(5));
    assertThat(order.hasGap()).isFalse();
  }

  @Test
  @DisplayName("transient numbers may skip (a new relay hold): only order matters among them")
  void transientsMaySkip() {
    EventOrder order = new EventOrder(d(2) + 3, sink);
    offer(order, d(2) + 40, 0);
    offer(order, d(2) + 41, 0);
    assertThat(seqsWritten()).containsExactly(d(2) + 40, d(2) + 41);
  }

  @Test
  @DisplayName("a late transient (numbered before a durable event another emitter sent) goes out once, unnumbered")
  void lateTransient() {
    EventOrder order = new EventOrder(d(2) + 3, sink);
    offer(order, d(3), 0);
    offer(order, d(2) + 4, 0);
    offer(order, d(2) + 4, 0);
    assertThat(written).hasSize(2);
    assertThat(written.get(1)).isEqualTo("{\"type\":\"e\"}");
    assertThat(relayTold).containsExactly(d(3));
    assertThat(order.lastDelivered()).isEqualTo(d(3));
  }

  @Test
  @DisplayName("after a truncation, events before the resume point are skipped and the rest follow")
  void skipTo() {
    EventOrder order = new EventOrder(d(1), sink);
    offer(order, d(9) + 1, 0);
    offer(order, d(9), 0);
    assertThat(order.hasGap()).isTrue();
    order.skipTo(d(9));
    assertThat(seqsWritten()).containsExactly(d(9), d(9) + 1);
    offer(order, d(8), 0);
    assertThat(seqsWritten()).hasSize(2);
  }

  @Test
  @DisplayName("unnumbered events go straight out; the waiting room is bounded")
  void liveAndBounded() {
    EventOrder order = new EventOrder(0, sink);
    order.offer(0, "{\"type\":\"audio\"}", 0);
    assertThat(written).containsExactly("{\"type\":\"audio\"}");
    for (int i = 0; i < EventOrder.MAX_WAITING + 10; i++) {
      offer(order, d(3 + i), 0);
    }
    assertThat(order.dropped()).isEqualTo(10);
    offer(order, d(2), 0);
    offer(order, d(1), 0);
    assertThat(order.lastDelivered()).as("d(2) waited too, so one more went").isEqualTo(d(1 + EventOrder.MAX_WAITING));
    assertThat(order.dropped()).isEqualTo(11);
  }

  @Test
  @DisplayName("a close that came with a waiting event holds when a copy of it without the close arrives too")
  void closeCodeSurvivesReplayedCopy() {
    List<Integer> closes = new ArrayList<>();
    EventOrder order = new EventOrder(d(1), new EventOrder.Sink() {
      @Override
      public void write(String json, int closeCode) {
        written.add(json);
        closes.add(closeCode);
      }

      @Override
      public void relayBehind(long lastDurable) {
      }
    });
    offer(order, d(3), 4000);
    offer(order, d(3), 0);
    offer(order, d(2), 0);
    assertThat(seqsWritten()).containsExactly(d(2), d(3));
    assertThat(closes).containsExactly(0, 4000);
  }

  @Test
  @DisplayName("an unstamped copy drops only the seq")
  void unstamped() {
    assertThat(EventOrder.unstamped("{\"seq\":12,\"type\":\"x\",\"a\":1}")).isEqualTo("{\"type\":\"x\",\"a\":1}");
    assertThat(EventOrder.unstamped("{\"seq\":12}")).isEqualTo("{}");
  }
}
