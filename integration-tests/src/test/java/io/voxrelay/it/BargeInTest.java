package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.simulator.SpokenItems;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user interrupts an AI answer halfway: the upstream's item is truncated at the played duration, and
 * voxrelay's history keeps only the part of the answer that was heard.
 */
@DisplayName("Barge-in that keeps the transcript true")
class BargeInTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  @DisplayName("playback.truncated halfway: a valid conversation.item.truncate with the played ms, transcript.truncated, and the history holds the cut text")
  void interruptedHalfway() {
    Map<String, String> env = Map.of("VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "4000");
    try (Deployment deployment = Deployment.start(env, 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, null, "barge-in-test");
      String itemId;
      String fullText;
      long halfway;
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        InterviewSessionTest.voiceTurn(client);
        JsonNode answer = client.events("transcript.done").stream()
            .filter(e -> "assistant".equals(e.path("role").asText())).findFirst().orElseThrow();
        itemId = answer.path("itemId").asText();
        fullText = answer.path("text").asText();
        List<JsonNode> chunks = client.events("audio").stream()
            .filter(e -> itemId.equals(e.path("itemId").asText())).toList();
        assertThat(chunks).as("the answer's audio names its item").isNotEmpty();
        long offset = 0;
        for (JsonNode chunk : chunks) {
          assertThat(chunk.path("offsetMs").asLong()).as("a running offset").isEqualTo(offset);
          offset += Base64.getDecoder().decode(chunk.path("data").asText()).length / 48;
        }
        assertThat(offset).isBetween(3_900L, 4_000L);
        halfway = offset / 2;

        client.send("{\"type\":\"playback.truncated\",\"itemId\":\"" + itemId + "\",\"audioEndMs\":" + halfway + "}");
        JsonNode truncated = client.awaitEvent("transcript.truncated", TIMEOUT);
        assertThat(truncated.path("itemId").asText()).isEqualTo(itemId);
        assertThat(truncated.path("playedMs").asLong()).isEqualTo(halfway);
        String heard = truncated.path("text").asText();
        assertThat(heard).as("about half of the answer, in whole words").isNotEmpty().isNotEqualTo(fullText);
        assertThat(fullText).startsWith(heard);
        assertThat(heard.length()).isBetween(fullText.length() / 4, fullText.length() * 3 / 4);
        assertThat(truncated.path("seq").asLong()).as("sequenced, stored").isPositive();

        SimulatedSession upstream = deployment.simulator.sessions().stream()
            .filter(s -> s.instructions().startsWith("barge-in-test")).findFirst().orElseThrow();
        Await.until("the upstream truncated the item", TIMEOUT, () -> !upstream.truncations().isEmpty());
        assertThat(upstream.truncations()).containsExactly(new SpokenItems.Truncation(itemId, 0, halfway));
        assertThat(upstream.receivedEvents().stream().filter(e -> "conversation.item.truncate".equals(
            e.path("type").asText()))).singleElement().satisfies(e -> {
              assertThat(e.path("item_id").asText()).isEqualTo(itemId);
              assertThat(e.path("audio_end_ms").asLong()).isEqualTo(halfway);
            });
        assertThat(io.voxrelay.testing.RealtimeSchema.load().problems(io.voxrelay.testing.RealtimeSchema.Side.CLIENT,
            upstream.receivedEvents())).as("valid GA").isEmpty();

        // Past the answer's audio, or an answer that is not one: nothing more is truncated.
        client.send("{\"type\":\"playback.truncated\",\"itemId\":\"item_unknown\",\"audioEndMs\":10}");
        client.send("{\"type\":\"text\",\"text\":\"after the interruption\"}");
        InterviewSessionTest.awaitAnswers(client, 2);
        assertThat(upstream.truncations()).hasSize(1);
      }

      // The history (what a reconnecting client and the transcript API read) holds only the heard part.
      JsonNode turns = VoiceClient.get(deployment.clientVertx(), port,
          "/v1/sessions/" + session.sessionId() + "/transcript", null).body().path("turns");
      JsonNode cut = null;
      for (JsonNode turn : turns) {
        if (itemId.equals(turn.path("itemId").asText())) {
          cut = turn;
        } else {
          assertThat(turn.has("interrupted")).as("a turn nobody spoke over is whole: %s", turn).isFalse();
        }
      }
      assertThat(cut).isNotNull();
      assertThat(cut.path("text").asText()).isNotEqualTo(fullText).isNotEmpty();
      assertThat(fullText).startsWith(cut.path("text").asText());
      assertThat(cut.path("interrupted").asBoolean()).isTrue();
      assertThat(cut.path("playedMs").asLong()).isEqualTo(halfway);
    }
  }
}
