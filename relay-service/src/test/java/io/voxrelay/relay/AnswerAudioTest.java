package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AnswerAudio: each answer's audio offsets, and the part of its text that was heard")
class AnswerAudioTest {

  @Test
  @DisplayName("each chunk starts where the answer's audio so far ends; answers are counted apart, and bounded")
  void offsets() {
    AnswerAudio audio = new AnswerAudio();
    assertThat(audio.sent("a", 4_800)).isZero();
    assertThat(audio.sent("b", 480)).isZero();
    assertThat(audio.sent("a", 4_800)).isEqualTo(100);
    assertThat(audio.sentMs("a")).isEqualTo(200);
    assertThat(audio.sentMs("unknown")).isEqualTo(-1);
    for (int i = 0; i < AnswerAudio.MAX_ANSWERS; i++) {
      audio.sent("later-" + i, 48);
    }
    assertThat(audio.sentMs("a")).as("forgotten past the bound").isEqualTo(-1);
  }

  @Test
  @DisplayName("the text is cut in proportion to the audio played, back to a whole word")
  void heard() {
    String text = "The quick brown fox jumps over the lazy dog";
    assertThat(AnswerAudio.heard(text, 5_000, 10_000)).isEqualTo("The quick brown fox");
    assertThat(AnswerAudio.heard(text, 0, 10_000)).isEmpty();
    assertThat(AnswerAudio.heard(text, 10_000, 10_000)).isEqualTo(text);
    assertThat(AnswerAudio.heard(text, 12_000, 10_000)).isEqualTo(text);
    assertThat(AnswerAudio.heard(text, 100, 0)).as("no audio: nothing to cut by").isEqualTo(text);
    assertThat(AnswerAudio.heard("Unbreakable", 5_000, 10_000)).as("no whole word heard").isEmpty();
  }
}
