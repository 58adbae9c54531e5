package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service stopped and started again on the same store: the session comes back from what was stored, not
 * from any service's memory. The chaos suite's full restart checks the same across OS processes, for loss and
 * duplication under load.
 */
@DisplayName("A full restart of every service")
class FullRestartTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  @DisplayName("brings a session back from the store with its question index and history")
  void resumeAfterRestartingEverything() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 1, 1)) {
      resumeAfterRestart(deployment);
    }
  }

  private static void resumeAfterRestart(Deployment deployment) {
    Vertx vertx = deployment.clientVertx();
    UpstreamSimulator simulator = deployment.simulator;
    int httpPort = deployment.gatewayPort(0);

    VoiceClient.Created session = VoiceClient.createSession(vertx, httpPort);
    List<String> spoken = new ArrayList<>();
    JsonNode historyBefore;
    try (VoiceClient client = VoiceClient.connect(vertx, httpPort, session)) {
      InterviewSessionTest.voiceTurn(client);
      client.send("{\"type\":\"next_question\"}");
      client.awaitEvent("question.changed", TIMEOUT);
      InterviewSessionTest.awaitAnswers(client, 2);
      client.send("{\"type\":\"text\",\"text\":\"Written before the restart.\"}");
      InterviewSessionTest.awaitAnswers(client, 3);
      client.events("transcript.done").forEach(e -> spoken.add(e.path("text").asText()));
      session = client.resumeWith();
    }

    deployment.stopServices();
    deployment.startServices(1, 1, 1, 1);
    httpPort = deployment.gatewayPort(0);

    try (VoiceClient client = VoiceClient.connect(vertx, httpPort, session)) {
      JsonNode connected = client.events("connected").get(0);
      assertThat(connected.path("resumed").asBoolean()).isTrue();
      assertThat(connected.path("currentQuestionIndex").asInt()).isEqualTo(1);
      assertThat(connected.path("currentQuestion").asText()).isEqualTo("Why voice?");
      historyBefore = connected.path("history");
      // A voice turn and its answer, the answer asking the next question, the typed turn and its answer.
      assertThat(historyBefore).hasSize(5);
      assertThat(historyBefore.get(3).path("text").asText()).isEqualTo("Written before the restart.");
      assertThat(historyBefore.get(3).path("role").asText()).isEqualTo("user");
      assertThat(historyBefore.get(4).path("role").asText()).isEqualTo("assistant");
      List<String> restored = new ArrayList<>();
      historyBefore.forEach(turn -> restored.add(turn.path("text").asText()));
      assertThat(restored).as("the history is the transcript the client saw").isEqualTo(spoken);

      if (connected.path("awaitingResume").asBoolean()) {
        client.send("{\"type\":\"resume_interview\"}");
        client.awaitEvent("interview.resumed", TIMEOUT);
      }
      var upstream = Await.value("the new upstream", TIMEOUT, () -> simulator.openSessions().stream()
          .filter(s -> s.items().size() >= 5).findFirst().orElse(null));
      assertThat(upstream.items()).extracting(ConversationItem::text).contains("Written before the restart.");
      InterviewSessionTest.voiceTurn(client);
    }
  }
}
