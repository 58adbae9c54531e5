package io.voxrelay.relay;

import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransientRingTest {

  private static final String DELTA = "{\"type\":\"transcript.delta\",\"delta\":\"x\"}";

  private static long d(long n) {
    return EventSeq.durable(n);
  }

  @Test
  @DisplayName("numbers transient events after the latest durable event, and after the opening client's position")
  void numbering() {
    TransientRing ring = new TransientRing(d(4) + 2, false);
    assertThat(ring.add(DELTA).seq()).isEqualTo(d(4) + 3);
    ring.durableReleased(d(5));
    assertThat(ring.add(DELTA).seq()).isEqualTo(d(5) + 1);
    ring.durableReleased(d(3));
    ring.observe(d(5) + 9);
    assertThat(ring.add(DELTA).seq()).as("never backwards").isEqualTo(d(5) + 10);
  }

  @Test
  @DisplayName("replays what a client lacks, and says when some of it is gone")
  void replay() {
    TransientRing ring = new TransientRing(d(1), false);
    for (int i = 0; i < 5; i++) {
      ring.add(DELTA);
    }
    TransientRing.Replay after2 = ring.after(d(1) + 2);
    assertThat(after2.events()).extracting(NumberedEvent::seq).containsExactly(d(1) + 3, d(1) + 4, d(1) + 5);
    assertThat(after2.lost()).isFalse();
    for (int i = 0; i < TransientRing.MAX_EVENTS; i++) {
      ring.add(DELTA);
    }
    assertThat(ring.after(d(1) + 2).lost()).as("evicted by the bound").isTrue();
    assertThat(ring.after(d(1) + 2).events()).hasSize(TransientRing.MAX_EVENTS);
    assertThat(ring.after(ring.last()).events()).isEmpty();
    assertThat(ring.after(ring.last()).lost()).isFalse();
  }

  @Test
  @DisplayName("the size bound holds for large events too")
  void sizeBound() {
    TransientRing ring = new TransientRing(0, false);
    String big = "{\"type\":\"transcript.delta\",\"delta\":\"" + "y".repeat(10_000) + "\"}";
    for (int i = 0; i < 50; i++) {
      ring.add(big);
    }
    assertThat(ring.after(0).events().size()).isLessThanOrEqualTo(TransientRing.MAX_CHARS / 10_000);
    assertThat(ring.after(0).lost()).isTrue();
  }

  @Test
  @DisplayName("after a crashed holder, the opening client may have missed some; a later position has not")
  void earlierHolderLost() {
    TransientRing ring = new TransientRing(d(2) + 7, true);
    assertThat(ring.after(d(2) + 7).lost()).isTrue();
    ring.add(DELTA);
    assertThat(ring.after(d(2) + 8).lost()).isFalse();
  }

  @Test
  @DisplayName("when the room between two durable events is used up, events go out unnumbered")
  void exhausted() {
    TransientRing ring = new TransientRing(d(1) + EventSeq.STRIDE - 2, false);
    assertThat(ring.add(DELTA).seq()).isEqualTo(d(2) - 1);
    assertThat(ring.add(DELTA)).as("no room: it goes out live, unnumbered").isNull();
    ring.durableReleased(d(2));
    assertThat(ring.add(DELTA).seq()).isEqualTo(d(2) + 1);
  }
}
