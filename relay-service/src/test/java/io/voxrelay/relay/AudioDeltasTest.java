package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("AudioDeltas: the audio of a GA audio delta, found without parsing")
class AudioDeltasTest {

  @Test
  @DisplayName("finds the delta in any key order, and leaves every other event to the parser")
  void audioOf() {
    assertThat(AudioDeltas.audioOf("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e1\",\"response_id\":\"r\","
        + "\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAEC+/8=\"}")).isEqualTo("AAEC+/8=");
    assertThat(AudioDeltas.audioOf("{\"delta\":\"QUJD\",\"type\":\"response.output_audio.delta\"}")).isEqualTo("QUJD");
    assertThat(AudioDeltas.audioOf("{\"type\":\"response.output_audio_transcript.delta\",\"delta\":\"Hello\"}"))
        .as("a transcript delta is not audio").isNull();
    assertThat(AudioDeltas.audioOf("{\"type\":\"response.output_audio.delta\",\"delta\":\"not \\\"base64\\\"\"}"))
        .as("anything odd goes to the parser").isNull();
    assertThat(AudioDeltas.audioOf("{\"type\":\"response.output_audio.delta\"}")).isNull();
    assertThat(AudioDeltas.audioOf("")).isNull();
  }

  @Test
  @DisplayName("the delta's item id, when it may go into a client event as it is")
  void itemOf() {
    assertThat(AudioDeltas.itemOf("{\"type\":\"response.output_audio.delta\",\"item_id\":\"item_C4x-9_z\","
        + "\"delta\":\"AA==\"}")).isEqualTo("item_C4x-9_z");
    assertThat(AudioDeltas.itemOf("{\"type\":\"response.output_audio.delta\",\"delta\":\"AA==\"}")).isNull();
    assertThat(AudioDeltas.itemOf("{\"item_id\":\"<b>\",\"delta\":\"AA==\"}")).isNull();
    assertThat(AudioDeltas.itemOf("{\"item_id\":\"" + "x".repeat(65) + "\"}")).isNull();
  }
}
