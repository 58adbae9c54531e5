package io.voxrelay.it;

import io.voxrelay.relay.RelayVerticle;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Two gateways, two relays and two session services in one cluster")
class ScaledOutClusterTest {

  private static final Duration TURN_TIMEOUT = Duration.ofSeconds(20);
  private static final String API_KEY = "test-api-key";
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_API_KEY", API_KEY), 2, 2, 1, 2);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  @DisplayName("sessions created through either gateway and connected through the other work, whichever relay holds them")
  void sessionsWorkAcrossGatewaysAndRelays() {
    List<VoiceClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        int createdAt = deployment.gatewayPort(i % 2);
        int connectedAt = deployment.gatewayPort((i + 1) % 2);
        VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), createdAt, API_KEY);
        clients.add(VoiceClient.connect(deployment.clientVertx(), connectedAt, session));
      }
      for (RelayVerticle relay : deployment.relays) {
        assertThat(relay.liveSessions()).as("sessions held by relay %s", relay.nodeId()).isGreaterThan(0);
      }
      for (VoiceClient client : clients) {
        client.streamAudio(SpeechLikeAudio.turn(800), 0);
      }
      for (VoiceClient client : clients) {
        client.awaitEvent("the AI's answer", TURN_TIMEOUT,
            e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
        Await.until("the AI's audio arrived", TURN_TIMEOUT, () -> client.aiAudioBytes() > 0);
      }
    } finally {
      clients.forEach(VoiceClient::close);
    }
  }

  @Test
  @DisplayName("with an API key configured, session creation needs that key as a bearer token")
  void apiKeyIsRequired() {
    String body = "{\"questions\":[\"Q?\"]}";
    var noKey = VoiceClient.post(deployment.clientVertx(), deployment.gatewayPort(0), "/v1/sessions", body, null);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.body().path("error").asText()).isEqualTo("unauthorized");
    assertThat(VoiceClient.post(deployment.clientVertx(), deployment.gatewayPort(0), "/v1/sessions", body, "wrong")
        .status()).isEqualTo(401);
    assertThat(VoiceClient.post(deployment.clientVertx(), deployment.gatewayPort(1), "/v1/sessions", body, API_KEY)
        .status()).isEqualTo(201);
  }

  @Test
  @DisplayName("a client that reconnects through the other gateway finds its session's upstream where it was")
  void reconnectThroughAnotherGatewayKeepsTheUpstream() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0), API_KEY);
    try (VoiceClient first = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
      first.streamAudio(SpeechLikeAudio.turn(800), 0);
      first.awaitEvent("the first answer", TURN_TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
      session = first.resumeWith();
    }
    int upstreamsBefore = deployment.simulator.sessions().size();
    try (VoiceClient second = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(1), session)) {
      second.streamAudio(SpeechLikeAudio.turn(800), 0);
      second.awaitEvent("the second answer", TURN_TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
      assertThat(deployment.simulator.sessions()).as("no new upstream was opened").hasSize(upstreamsBefore);
    }
  }
}
