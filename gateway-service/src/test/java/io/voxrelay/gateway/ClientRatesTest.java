package io.voxrelay.gateway;

import io.voxrelay.common.audio.Pcm16;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ClientRates: audio at most 1.25x real time, controls at a rate, one error reply a second")
class ClientRatesTest {

  private static final int FRAME_MS = 20;
  private static final int FRAME = Pcm16.bytesOf(FRAME_MS);

  /** Sends {@code seconds} of audio at {@code speed} times real time; returns how many ms of it went on. */
  private static long stream(ClientRates rates, double speed, int seconds, long start) {
    long passed = 0;
    int frames = (int) (seconds * 1000 / FRAME_MS * speed);
    for (int i = 0; i < frames; i++) {
      long at = start + (long) (i * FRAME_MS / speed);
      if (rates.allowAudio(FRAME, at)) {
        passed += FRAME_MS;
      }
    }
    return passed;
  }

  @Test
  @DisplayName("real-time audio, with jitter and a burst after a stall, all passes")
  void realTimePasses() {
    ClientRates rates = new ClientRates(0);
    assertThat(stream(rates, 1.0, 30, 0)).isEqualTo(30_000);
    // The network held 1.5 s back, then delivered it at once.
    int held = 1_500 / FRAME_MS;
    for (int i = 0; i < held; i++) {
      assertThat(rates.allowAudio(FRAME, 31_500)).as("backlog frame %d", i).isTrue();
    }
    assertThat(rates.droppedAudioBytes()).isZero();
  }

  @Test
  @DisplayName("audio at 5x real time: at most 1.25x the elapsed time (plus the burst) passes, the rest is counted")
  void fiveTimesRealTime() {
    ClientRates rates = new ClientRates(0);
    long passed = stream(rates, 5.0, 10, 0);
    long allowed = (long) (ClientRates.AUDIO_SPEED * 10_000 + ClientRates.AUDIO_SPEED * ClientRates.AUDIO_BURST_MS);
    assertThat(passed).isLessThanOrEqualTo(allowed).isGreaterThan(12_000);
    assertThat(Pcm16.millisOf(rates.droppedAudioBytes())).isEqualTo(50_000 - passed);
  }

  @Test
  @DisplayName("controls: a burst passes, a flood is refused, and a flood that goes on ends in a close")
  void controls() {
    ClientRates rates = new ClientRates(0);
    for (int i = 0; i < ClientRates.CONTROL_BURST; i++) {
      assertThat(rates.control(0)).isEqualTo(ClientRates.Verdict.ACCEPT);
    }
    assertThat(rates.control(0)).isEqualTo(ClientRates.Verdict.REFUSE);
    assertThat(rates.control(1_000)).as("refilled at the rate").isEqualTo(ClientRates.Verdict.ACCEPT);
    ClientRates.Verdict last = ClientRates.Verdict.ACCEPT;
    for (int i = 0; i < ClientRates.FLOOD_REFUSALS + 5 && last != ClientRates.Verdict.CLOSE; i++) {
      last = rates.control(1_000);
    }
    assertThat(last).isEqualTo(ClientRates.Verdict.CLOSE);
  }

  @Test
  @DisplayName("bad frames: one error reply a second, the others only counted")
  void errorReplies() {
    ClientRates rates = new ClientRates(0);
    assertThat(rates.answerError(5)).isTrue();
    assertThat(rates.answerError(6)).isFalse();
    assertThat(rates.answerError(1_004)).isFalse();
    assertThat(rates.answerError(1_005)).isTrue();
    assertThat(rates.unansweredErrors()).isEqualTo(2);
  }
}
