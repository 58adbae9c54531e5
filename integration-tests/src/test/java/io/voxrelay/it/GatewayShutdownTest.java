package io.voxrelay.it;

import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A gateway shutting down")
class GatewayShutdownTest {

  @Test
  @DisplayName("closes its clients with 1012, which clients retry, and the session goes on through another gateway")
  void clientsMoveOn() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 0, 2)) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(1));
      VoiceClient.Created next;
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
        InterviewSessionTest.voiceTurn(client);
        next = client.resumeWith();
        Await.result(deployment.gatewayNodes.get(0).close());
        assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(CloseCode.SERVICE_RESTART.code());
        assertThat(CloseCode.SERVICE_RESTART.retryable()).isTrue();
      }
      try (VoiceClient again = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(1), next)) {
        assertThat(again.events("connected").get(0).path("history")).hasSize(2);
        InterviewSessionTest.voiceTurn(again);
      }
    }
  }
}
