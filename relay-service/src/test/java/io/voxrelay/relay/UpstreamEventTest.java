package io.voxrelay.relay;

import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("UpstreamEvent: each GA server event type read once, and what the client hears of it")
class UpstreamEventTest {

  private static UpstreamEvent read(String json) {
    return UpstreamEvent.of(Json.parse(json));
  }

  @Test
  @DisplayName("transcripts, answers and item bookkeeping become their typed events")
  void typed() {
    assertThat(read("{\"type\":\"conversation.item.input_audio_transcription.completed\",\"item_id\":\"i1\","
        + "\"transcript\":\"hello\"}")).isEqualTo(new UpstreamEvent.UserTranscript("i1", "hello"));
    assertThat(read("{\"type\":\"response.output_audio_transcript.delta\",\"item_id\":\"a1\",\"delta\":\"Hi\"}"))
        .isEqualTo(new UpstreamEvent.AnswerDelta("a1", "Hi"));
    assertThat(read("{\"type\":\"response.output_text.delta\",\"item_id\":\"a1\",\"delta\":\"Hi\"}"))
        .isEqualTo(new UpstreamEvent.AnswerDelta("a1", "Hi"));
    assertThat(read("{\"type\":\"response.output_audio_transcript.done\",\"item_id\":\"a1\",\"transcript\":\"Hi.\"}"))
        .isEqualTo(new UpstreamEvent.AnswerDone("a1", "Hi."));
    assertThat(read("{\"type\":\"response.output_text.done\",\"item_id\":\"a1\",\"text\":\"Hi.\"}"))
        .isEqualTo(new UpstreamEvent.AnswerDone("a1", "Hi."));
    assertThat(read("{\"type\":\"conversation.item.added\",\"item\":{\"id\":\"vr_1\"}}"))
        .isEqualTo(new UpstreamEvent.ItemAdded("vr_1"));
    assertThat(read("{\"type\":\"response.created\"}")).isInstanceOf(UpstreamEvent.ResponseCreated.class);
    assertThat(read("{\"type\":\"response.done\",\"response\":{\"status\":\"cancelled\"}}"))
        .isEqualTo(new UpstreamEvent.ResponseDone("cancelled"));
    assertThat(read("{\"type\":\"response.done\"}")).isEqualTo(new UpstreamEvent.ResponseDone("completed"));
    assertThat(read("{\"type\":\"input_audio_buffer.speech_stopped\"}")).isEqualTo(new UpstreamEvent.SpeechEnded(false));
    assertThat(read("{\"type\":\"input_audio_buffer.cleared\"}")).isEqualTo(new UpstreamEvent.SpeechEnded(true));
    assertThat(read("{\"type\":\"rate_limits.updated\"}")).isEqualTo(new UpstreamEvent.RateLimits(java.util.List.of()));
    assertThat(read("{\"type\":\"conversation.item.done\"}")).isEqualTo(new UpstreamEvent.Other("conversation.item.done"));
  }

  @Test
  @DisplayName("an error names the client event it refused; unknown fields get defaults")
  void errors() {
    assertThat(read("{\"type\":\"error\",\"error\":{\"code\":\"x\",\"message\":\"m\",\"event_id\":\"ev_vr_1\"}}"))
        .isEqualTo(new UpstreamEvent.Failure("x", "m", "ev_vr_1"));
    assertThat(read("{\"type\":\"error\",\"error\":{}}"))
        .isEqualTo(new UpstreamEvent.Failure("upstream_error", "The AI service reported an error.", null));
  }

  @Test
  @DisplayName("audio that is not base64 is marked, not passed on")
  void audio() {
    assertThat(read("{\"type\":\"response.output_audio.delta\", \"item_id\":\"item_1\", \"delta\":\"AAAA\"}"))
        .isEqualTo(new UpstreamEvent.Audio("item_1", "AAAA"));
    assertThat(read("{\"type\":\"response.output_audio.delta\",\"item_id\":\"a\\\"b\",\"delta\":\"<script>\"}"))
        .as("an item id that would need escaping is not passed on").isEqualTo(new UpstreamEvent.Audio(null, null));
  }

  @Test
  @DisplayName("the client hears answer deltas, speech starts, response ends and errors; nothing else")
  void toClient() {
    assertThat(Json.parse(new UpstreamEvent.AnswerDelta("a1", "Hi").toClient()).path("type").asText())
        .isEqualTo("transcript.delta");
    assertThat(Json.parse(new UpstreamEvent.SpeechStarted().toClient()).path("type").asText())
        .isEqualTo("speech.started");
    assertThat(Json.parse(new UpstreamEvent.ResponseDone("cancelled").toClient()).path("status").asText())
        .isEqualTo("cancelled");
    assertThat(Json.parse(new UpstreamEvent.Failure("c", "m", null).toClient()).path("type").asText())
        .isEqualTo("error");
    assertThat(new UpstreamEvent.UserTranscript("i", "t").toClient()).as("it becomes a stored turn instead").isNull();
    assertThat(new UpstreamEvent.AnswerDone("i", "t").toClient()).isNull();
    assertThat(new UpstreamEvent.ItemAdded("i").toClient()).isNull();
    assertThat(new UpstreamEvent.Other("x").toClient()).isNull();
  }
}
