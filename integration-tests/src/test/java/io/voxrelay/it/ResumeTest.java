package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.voxrelay.it.InterviewSessionTest.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Resuming a session")
class ResumeTest {

  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_DETACH_GRACE_MS", "300", "VOXRELAY_HELLO_FAILURE_LIMIT", "3"),
        1, 1, 1, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private int port() {
    return deployment.gatewayPort(0);
  }

  @Test
  @DisplayName("after its upstream was cleaned up, a session comes back awaiting resume and forwards no audio until resume_interview")
  void resumeAfterCleanup() {
    List<String> secrets = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port());
      secrets.add(session.token());
      int upstreamsBefore = deployment.simulator.sessions().size();
      SimulatedSession first;
      List<JsonNode> historyBefore;
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
        first = InterviewSessionTest.upstreamOf(deployment, upstreamsBefore);
        InterviewSessionTest.voiceTurn(client);
        session = client.resumeWith();
        secrets.add(session.token());
      }
      Await.until("the relay lets the upstream go", TIMEOUT, () -> !first.isOpen());
      int upstreamsAfterCleanup = deployment.simulator.sessions().size();

      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
        JsonNode connected = client.events("connected").get(0);
        secrets.add(connected.path("resumeToken").asText());
        assertThat(connected.path("resumed").asBoolean()).isTrue();
        assertThat(connected.path("awaitingResume").asBoolean()).isTrue();
        assertThat(connected.path("history")).hasSize(2);
        historyBefore = new ArrayList<>();
        connected.path("history").forEach(historyBefore::add);
        assertThat(historyBefore.get(0).path("role").asText()).isEqualTo("user");
        assertThat(historyBefore.get(1).path("role").asText()).isEqualTo("assistant");

        client.streamAudio(SpeechLikeAudio.turn(1_000), 0);
        Await.sleep(500);
        assertThat(deployment.simulator.sessions()).as("no upstream opens before resume").hasSize(upstreamsAfterCleanup);

        client.send("{\"type\":\"resume_interview\"}");
        client.awaitEvent("interview.resumed", TIMEOUT);
        SimulatedSession second = InterviewSessionTest.upstreamOf(deployment, upstreamsAfterCleanup);
        assertThat(second.items()).extracting(ConversationItem::text)
            .containsExactly(historyBefore.get(0).path("text").asText(), historyBefore.get(1).path("text").asText());
        assertThat(second.audioBytesReceived()).as("audio sent before resume never arrives").isZero();
        InterviewSessionTest.voiceTurn(client);
      }
      for (String secret : secrets) {
        assertThat(logs.lines()).noneMatch(line -> line.contains(secret));
      }
    }
  }

  @Test
  @DisplayName("repeated failed hellos from one address are refused with 4429, and the session is unharmed")
  void failedHellosAreRateLimited() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port());
    for (int i = 0; i < 3; i++) {
      try (VoiceClient bad = VoiceClient.open(deployment.clientVertx(), port(), session.sessionId())) {
        bad.send("{\"type\":\"hello\",\"token\":\"guess-" + i + "\"}");
        assertThat(bad.awaitClose(TIMEOUT)).isEqualTo(CloseCode.UNAUTHORIZED.code());
      }
    }
    try (VoiceClient limited = VoiceClient.open(deployment.clientVertx(), port(), session.sessionId())) {
      limited.send("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
      assertThat(limited.awaitClose(TIMEOUT)).isEqualTo(CloseCode.TOO_MANY_ATTEMPTS.code());
    }
  }
}
