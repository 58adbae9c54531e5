package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A full restart of every process")
class ProcessRestartTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static void startAll(ProcessCluster cluster) {
    cluster.start("session-service", SessionServiceMain.class);
    cluster.start("relay-service", RelayServiceMain.class);
    cluster.start("watchdog-service", WatchdogServiceMain.class);
    cluster.start("gateway-service", GatewayServiceMain.class);
  }

  @Test
  @DisplayName("brings a session back from the store with its question index and history")
  void resumeAfterRestartingEverything() {
    try (ProcessCluster cluster = new ProcessCluster("restart", Map.of())) {
      resumeAfterRestart(cluster);
    }
  }

  private static void resumeAfterRestart(ProcessCluster cluster) {
    Vertx vertx = cluster.vertx;
    UpstreamSimulator simulator = cluster.simulator;
    int httpPort = cluster.httpPort;
    startAll(cluster);

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

    cluster.stopAll();
    startAll(cluster);

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
