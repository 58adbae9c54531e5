package io.voxrelay.it;

import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import io.voxrelay.watchdog.WatchdogServiceMain;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Each service as its own OS process")
class ProcessClusterTest {

  @Test
  @DisplayName("four clustered processes on loopback carry a voice turn end to end")
  void voiceTurnAcrossProcesses() {
    try (ProcessCluster cluster = new ProcessCluster("proc", Map.of())) {
      // One after another: members starting at the same instant may form separate clusters before merging.
      cluster.start("session-service", SessionServiceMain.class);
      cluster.start("relay-service", RelayServiceMain.class);
      cluster.start("watchdog-service", WatchdogServiceMain.class);
      cluster.start("gateway-service", GatewayServiceMain.class);

      VoiceClient.Created session = VoiceClient.createSession(cluster.vertx, cluster.httpPort);
      try (VoiceClient client = VoiceClient.connect(cluster.vertx, cluster.httpPort, session)) {
        client.streamAudio(SpeechLikeAudio.turn(2_000), 5);
        client.awaitEvent("the user's transcript", Duration.ofSeconds(30),
            e -> "transcript.done".equals(e.path("type").asText()) && "user".equals(e.path("role").asText()));
        client.awaitEvent("the AI's transcript", Duration.ofSeconds(30),
            e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
        Await.until("the AI's audio arrived", Duration.ofSeconds(30), () -> client.aiAudioBytes() > 0);
      }
      assertThat(cluster.simulator.sessions()).hasSize(1);
      assertThat(cluster.simulator.sessions().get(0).audioBytesReceived())
          .isEqualTo(SpeechLikeAudio.turn(2_000).length);
    }
  }
}
