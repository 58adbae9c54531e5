package io.voxrelay.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The bench's stamps and percentiles")
class StampTest {

  @Test
  @DisplayName("a stamped frame is a 20 ms PCM16 frame whose stamp reads back; other audio has none")
  void stampRoundTrip() {
    String frame = Stamp.frame(123_456_789_012L, 42, 7);
    assertThat(Base64.getDecoder().decode(frame)).hasSize(Stamp.FRAME_BYTES);
    assertThat(Stamp.read(frame)).isEqualTo(new Stamp.Read(123_456_789_012L, 42, 7));
    assertThat(Stamp.read(Base64.getEncoder().encodeToString(new byte[960]))).isNull();
    assertThat(Stamp.field("{\"type\":\"audio\",\"data\":\"" + frame + "\"}", "data")).isEqualTo(frame);
  }

  @Test
  @DisplayName("percentiles are nearest-rank over the samples")
  void percentiles() {
    Latencies latencies = new Latencies();
    for (int i = 1; i <= 100; i++) {
      latencies.add(i);
    }
    Latencies.Summary s = latencies.summary();
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50()).isEqualTo(50);
    assertThat(s.p90()).isEqualTo(90);
    assertThat(s.p99()).isEqualTo(99);
    assertThat(s.max()).isEqualTo(100);
  }
}
