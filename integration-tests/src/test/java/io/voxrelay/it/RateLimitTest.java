package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.SimulatedSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The upstream's rate limit")
class RateLimitTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  @DisplayName("a response refused for the rate limit: the client hears upstream_rate_limited, the relay waits out the announced reset, then the answer comes")
  void refusedThenAnswered() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, null, "rate-limit-test");
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        client.send("{\"type\":\"text_only\",\"enabled\":true}");
        client.awaitEvent("text_only.changed", TIMEOUT);
        long sentAt = System.nanoTime();
        client.send("{\"type\":\"text\",\"text\":\"please hit the " + SimulatedSession.RATE_LIMIT_TRIGGER + "\"}");
        JsonNode refused = client.awaitEvent("the refusal", TIMEOUT,
            e -> "error".equals(e.path("type").asText()) && "upstream_rate_limited".equals(e.path("code").asText()));
        assertThat(refused.path("retryInMs").asLong()).as("the announced reset, 1.5 s").isEqualTo(1_500);
        InterviewSessionTest.awaitAnswers(client, 1);
        long answeredAfterMs = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(answeredAfterMs).as("the relay waited out the reset before asking again").isGreaterThanOrEqualTo(1_500);
        SimulatedSession upstream = deployment.simulator.sessions().stream()
            .filter(s -> s.instructions().startsWith("rate-limit-test")).findFirst().orElseThrow();
        assertThat(upstream.responsesCreated()).as("the refused request, then the answered one").isEqualTo(2);
        // The session goes on as usual.
        client.send("{\"type\":\"text\",\"text\":\"and another turn\"}");
        InterviewSessionTest.awaitAnswers(client, 2);
      }
    }
  }
}
