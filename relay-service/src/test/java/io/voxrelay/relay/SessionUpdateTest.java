package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.json.Json;
import io.voxrelay.testing.RealtimeSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The session.update a relay sends")
class SessionUpdateTest {

  private static JsonNode update(UpstreamOptions own) {
    SessionSnapshot base = ConversationStateTest.snapshot("s1", false, false, 0, List.of());
    SessionSnapshot snapshot = new SessionSnapshot(base.sessionId(), base.instructions(), base.questions(), 0, false,
        false, false, false, null, null, 0, 0, List.of(), 0, SessionTools.NONE, own, null, null);
    return Json.parse(RealtimeClientEvents.sessionUpdate(new ConversationState(snapshot), UpstreamDefaultsForTest.DEFAULTS));
  }

  @Test
  @DisplayName("carries each upstream option a session sets, valid GA, and the same every time (a rollover sends it again)")
  void carriesEachOption() {
    UpstreamOptions server = new UpstreamOptions("server_vad", 0.7, 200, 800, null, "gpt-4o-transcribe", "far_field",
        "cedar", 256, "retention_ratio", 0.5);
    JsonNode session = update(server).path("session");
    JsonNode input = session.path("audio").path("input");
    assertThat(input.path("turn_detection").path("threshold").asDouble()).isEqualTo(0.7);
    assertThat(input.path("turn_detection").path("prefix_padding_ms").asInt()).isEqualTo(200);
    assertThat(input.path("turn_detection").path("silence_duration_ms").asInt()).isEqualTo(800);
    assertThat(input.path("transcription").path("model").asText()).isEqualTo("gpt-4o-transcribe");
    assertThat(input.path("noise_reduction").path("type").asText()).isEqualTo("far_field");
    assertThat(session.path("audio").path("output").path("voice").asText()).isEqualTo("cedar");
    assertThat(session.path("max_output_tokens").asInt()).isEqualTo(256);
    assertThat(session.path("truncation").path("retention_ratio").asDouble()).isEqualTo(0.5);
    assertThat(update(server)).as("identical when sent again").isEqualTo(update(server));

    UpstreamOptions semantic = new UpstreamOptions("semantic_vad", null, null, null, "low", null, null, null, null,
        "disabled", null);
    JsonNode semanticSession = update(semantic).path("session");
    assertThat(semanticSession.path("audio").path("input").path("turn_detection").path("eagerness").asText())
        .isEqualTo("low");
    assertThat(semanticSession.path("audio").path("input").path("turn_detection").has("threshold")).isFalse();
    assertThat(semanticSession.path("truncation").asText()).isEqualTo("disabled");

    JsonNode defaults = update(UpstreamOptions.NONE).path("session");
    assertThat(defaults.path("audio").path("output").path("voice").asText()).isEqualTo("alloy");
    assertThat(defaults.path("audio").path("input").path("turn_detection").path("silence_duration_ms").asInt())
        .isEqualTo(500);
    assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, List.of(update(server), update(semantic),
        update(UpstreamOptions.NONE)))).isEmpty();
  }
}
