package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.voxrelay.it.InterviewSessionTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("An upstream with a short maximum duration")
class UpstreamRolloverTest {

  @Test
  @DisplayName("is rolled over to a new upstream session with the transcript restored before its limit cuts the session")
  void rolloverBeforeTheLimit() {
    Map<String, String> env = Map.of(
        "VOXRELAY_SIMULATOR_MAX_SESSION_MS", "6000",
        "VOXRELAY_UPSTREAM_MAX_SESSION_MS", "6000",
        "VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS", "3000");
    try (Deployment deployment = Deployment.start(env, 1, 1, 1, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
        SimulatedSession first = InterviewSessionTest.upstreamOf(deployment, 0);
        InterviewSessionTest.voiceTurn(client);

        JsonNode restored = client.awaitEvent("upstream.restored", TIMEOUT);
        assertThat(restored.path("reason").asText()).isEqualTo("rollover");
        assertThat(restored.path("restoredTurns").asInt()).isEqualTo(2);
        Await.until("the first upstream is closed", TIMEOUT, () -> !first.isOpen());
        SimulatedSession second = deployment.simulator.sessions().get(1);
        assertThat(second.items()).extracting(ConversationItem::contentType).containsExactly("input_text", "output_text");
        assertThat(first.emittedEvents()).noneMatch(e -> "session_expired".equals(e.path("error").path("code").asText()));

        InterviewSessionTest.voiceTurn(client);
        assertThat(client.events("error")).isEmpty();
        assertThat(client.isClosed()).isFalse();
      }
    }
  }
}
