package io.voxrelay.gateway;

import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AcceptedTexts: typed turns a relay accepted, kept until the store has them, at most MAX")
class AcceptedTextsTest {

  private static RelayControlRequest text(long seq) {
    return new RelayControlRequest("s1", Control.TEXT, "turn " + seq, seq, "c-1");
  }

  @Test
  @DisplayName("those another relay accepted, in the client's order; the store's cursor settles them")
  void acceptedElsewhere() {
    AcceptedTexts texts = new AcceptedTexts();
    texts.accepted(text(1), "r1");
    texts.accepted(text(2), "r1");
    texts.accepted(text(3), "r2");
    texts.accepted(text(0), "r1");
    assertThat(texts.acceptedElsewhere("r2")).extracting(RelayControlRequest::clientSeq).containsExactly(1L, 2L);
    assertThat(texts.acceptedElsewhere("r3")).extracting(RelayControlRequest::clientSeq).containsExactly(1L, 2L, 3L);

    texts.accepted(text(2), "r2");
    assertThat(texts.acceptedElsewhere("r2")).as("turn 2 is at r2 now").extracting(RelayControlRequest::clientSeq)
        .containsExactly(1L);
    texts.stored(2);
    assertThat(texts.acceptedElsewhere("r9")).extracting(RelayControlRequest::clientSeq).containsExactly(3L);
    texts.forget(3);
    assertThat(texts.size()).isZero();
  }

  @Test
  @DisplayName("past MAX the oldest goes: a relay lets no more wait")
  void bounded() {
    AcceptedTexts texts = new AcceptedTexts();
    for (long seq = 1; seq <= AcceptedTexts.MAX + 2; seq++) {
      texts.accepted(text(seq), "r1");
    }
    assertThat(texts.size()).isEqualTo(AcceptedTexts.MAX);
    assertThat(texts.acceptedElsewhere("r2").get(0).clientSeq()).isEqualTo(3L);
  }
}
