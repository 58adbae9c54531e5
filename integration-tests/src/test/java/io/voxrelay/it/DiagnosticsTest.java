package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Disconnect diagnostics")
class DiagnosticsTest {

  private static final String REPORT = "{\"sessionId\":\"x\",\"code\":1006,\"reason\":\"network\",\"state\":\"connected\","
      + "\"online\":false,\"visibility\":\"visible\",\"at\":1}";

  @Test
  @DisplayName("are accepted as JSON or text beacons, checked, bounded, and logged without address or user agent")
  void reports() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 0, 1); LogCapture logs = new LogCapture()) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
      String path = "/v1/sessions/" + session.sessionId() + "/diagnostics";

      assertThat(VoiceClient.post(deployment.clientVertx(), port, path, REPORT, null, "application/json").status())
          .isEqualTo(204);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, path, REPORT, null, "text/plain;charset=UTF-8")
          .status()).isEqualTo(204);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, path, REPORT, null, "application/xml").status())
          .isEqualTo(415);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, path, "{oops", null, "application/json").status())
          .isEqualTo(400);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, path, "{\"pad\":\"" + "x".repeat(5_000) + "\"}",
          null, "application/json").status()).isEqualTo(413);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions/s_nope/diagnostics", REPORT, null,
          "application/json").status()).isEqualTo(404);

      Await.until("two reports logged", Duration.ofSeconds(5), () -> logs.lines().stream()
          .filter(l -> l.contains("[Diagnostics] disconnect report for " + session.sessionId())).count() == 2);
      assertThat(logs.lines()).filteredOn(l -> l.contains("[Diagnostics]"))
          .allMatch(l -> l.contains("code=1006") && !l.contains("127.0.0.1") && !l.contains("voxrelay-test-agent"));

      int accepted = 0;
      for (int i = 0; i < 20; i++) {
        int status = VoiceClient.post(deployment.clientVertx(), port, path, REPORT, null, "application/json").status();
        assertThat(status).isIn(204, 429);
        accepted += status == 204 ? 1 : 0;
      }
      assertThat(accepted).as("reports accepted within the minute after the first ones").isLessThan(20);
    }
  }

  @Test
  @DisplayName("include the address and user agent only when an operator turned the debug mode on")
  void debugMode() {
    try (Deployment deployment = Deployment.start(Map.of("VOXRELAY_DIAGNOSTICS_DEBUG", "true"), 1, 1, 0, 1);
         LogCapture logs = new LogCapture()) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
      assertThat(VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions/" + session.sessionId()
          + "/diagnostics?debug=1", REPORT, null, "application/json").status()).isEqualTo(204);
      Await.until("the report is logged with its origin", Duration.ofSeconds(5), () -> logs.lines().stream()
          .anyMatch(l -> l.contains("[Diagnostics]") && l.contains("voxrelay-test-agent") && l.contains("127.0.0.1")));
    }
  }
}
