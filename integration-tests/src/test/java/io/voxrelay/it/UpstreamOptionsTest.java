package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RealtimeSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A session's upstream options")
class UpstreamOptionsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static JsonNode lastSessionUpdate(SimulatedSession upstream) {
    List<JsonNode> updates = upstream.receivedEvents().stream()
        .filter(e -> "session.update".equals(e.path("type").asText())).toList();
    return updates.get(updates.size() - 1);
  }

  @Test
  @DisplayName("each option set at creation reaches the simulator in a valid GA session.update, the same after a rollover; a bad one is a 400")
  void optionsReachEveryUpstream() {
    Map<String, String> env = Map.of(
        "VOXRELAY_SIMULATOR_MAX_SESSION_MS", "6000",
        "VOXRELAY_UPSTREAM_MAX_SESSION_MS", "6000",
        "VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS", "3000");
    try (Deployment deployment = Deployment.start(env, 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.HttpReply created = VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions",
          "{\"instructions\":\"options\",\"upstream\":{\"turnDetection\":{\"type\":\"server_vad\",\"threshold\":0.6,"
              + "\"prefixPaddingMs\":250,\"silenceDurationMs\":700},\"transcriptionModel\":\"gpt-4o-transcribe\","
              + "\"noiseReduction\":\"near_field\",\"voice\":\"marin\",\"maxOutputTokens\":300,"
              + "\"truncation\":{\"type\":\"retention_ratio\",\"retentionRatio\":0.75}}}");
      assertThat(created.status()).isEqualTo(201);
      VoiceClient.Created session = new VoiceClient.Created(created.body().path("sessionId").asText(),
          created.body().path("token").asText());
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        SimulatedSession first = InterviewSessionTest.upstreamOf(deployment, 0);
        Await.until("configured", TIMEOUT, () -> first.sessionConfig().path("max_output_tokens").asInt() == 300);
        JsonNode update = lastSessionUpdate(first);
        JsonNode input = update.path("session").path("audio").path("input");
        assertThat(input.path("turn_detection").path("threshold").asDouble()).isEqualTo(0.6);
        assertThat(input.path("turn_detection").path("prefix_padding_ms").asInt()).isEqualTo(250);
        assertThat(input.path("turn_detection").path("silence_duration_ms").asInt()).isEqualTo(700);
        assertThat(input.path("transcription").path("model").asText()).isEqualTo("gpt-4o-transcribe");
        assertThat(input.path("noise_reduction").path("type").asText()).isEqualTo("near_field");
        assertThat(update.path("session").path("audio").path("output").path("voice").asText()).isEqualTo("marin");
        assertThat(update.path("session").path("truncation").path("retention_ratio").asDouble()).isEqualTo(0.75);
        assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, List.of(update))).isEmpty();

        client.awaitEvent("the rollover", TIMEOUT, e -> "upstream.restored".equals(e.path("type").asText())
            && "rollover".equals(e.path("reason").asText()));
        SimulatedSession second = InterviewSessionTest.upstreamOf(deployment, 1);
        Await.until("the new upstream configured", TIMEOUT,
            () -> second.sessionConfig().path("max_output_tokens").asInt() == 300);
        assertThat(lastSessionUpdate(second).path("session")).as("the same options after the rollover")
            .isEqualTo(update.path("session"));
      }
      VoiceClient.HttpReply refused = VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions",
          "{\"upstream\":{\"maxOutputTokens\":100000}}");
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body().path("message").asText()).contains("maxOutputTokens");
    }
  }
}
