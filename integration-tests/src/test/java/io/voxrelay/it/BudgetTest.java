package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session held to {@code maxTotalTokens}: warned, then ended with {@code budget_exceeded} (the upstream
 * closed, the state kept), refused a resume until the app's backend raises the limit, and resumed after. The
 * watchdog plays no part: the same holds with none running.
 */
@DisplayName("Budgets")
class BudgetTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(40);
  private static final String INSTRUCTIONS = "budget-test";

  @ParameterizedTest(name = "watchdogs: {0}")
  @ValueSource(ints = {1, 0})
  @DisplayName("maxTotalTokens: budget.warning, then session.terminated (budget_exceeded); resume refused until the limit is raised")
  void maxTotalTokens(int watchdogs) {
    // A warning at a tenth of the limit comes before the end whatever one turn adds.
    Map<String, String> env = Map.of("VOXRELAY_BUDGET_WARN_FRACTION", "0.1");
    try (Deployment deployment = Deployment.start(env, 1, 1, watchdogs, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.HttpReply created = VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions",
          "{\"instructions\":\"" + INSTRUCTIONS + "\",\"questions\":[\"Who are you?\"],"
              + "\"limits\":{\"maxTotalTokens\":1000000}}");
      assertThat(created.status()).isEqualTo(201);
      VoiceClient.Created session = new VoiceClient.Created(created.body().path("sessionId").asText(),
          created.body().path("token").asText());
      String path = "/v1/sessions/" + session.sessionId();
      VoiceClient.Created again;
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        client.send("{\"type\":\"text_only\",\"enabled\":true}");
        client.awaitEvent("text_only.changed", TIMEOUT);
        client.send("{\"type\":\"text\",\"text\":\"first turn\"}");
        InterviewSessionTest.awaitAnswers(client, 1);
        long firstTurn = Await.value("the first turn's usage stored", TIMEOUT, () -> {
          long total = usage(deployment, port, path).path("totalTokens").asLong();
          return total > 0 ? total : null;
        });
        assertThat(client.events("budget.warning")).as("far under the limit").isEmpty();

        // The backend lowers the limit to three first turns: the session is at a third of it, past the warning.
        assertThat(VoiceClient.patch(deployment.clientVertx(), port, path,
            "{\"limits\":{\"maxTotalTokens\":" + 3 * firstTurn + "}}", null).status()).isEqualTo(200);
        JsonNode warning = client.awaitEvent("budget.warning", TIMEOUT);
        assertThat(warning.path("limit").asText()).isEqualTo("maxTotalTokens");
        assertThat(warning.path("usedFraction").asDouble()).isBetween(0.1, 1.0);

        int upstreamsBefore = upstreams(deployment).size();
        for (int turn = 2; client.events("session.terminated").isEmpty() && turn <= 6; turn++) {
          client.send("{\"type\":\"text\",\"text\":\"turn " + turn + "\"}");
          int expected = turn;
          Await.until("answer " + turn + " or the end", TIMEOUT, () -> InterviewSessionTest.answers(client) >= expected
              || !client.events("session.terminated").isEmpty());
        }
        JsonNode terminated = client.awaitEvent("session.terminated", TIMEOUT);
        assertThat(terminated.path("reason").asText()).isEqualTo("budget_exceeded");
        assertThat(terminated.path("message").asText()).contains("limit");
        assertThat(terminated.path("seq").asLong()).as("warned first").isGreaterThan(warning.path("seq").asLong());
        Await.until("the upstream closed at the simulator", TIMEOUT,
            () -> upstreams(deployment).stream().noneMatch(SimulatedSession::isOpen));
        again = client.resumeWith();
        assertThat(upstreams(deployment)).hasSize(upstreamsBefore);
      }

      JsonNode status = VoiceClient.get(deployment.clientVertx(), port, path, null).body();
      assertThat(status.path("state").asText()).isEqualTo("terminated");
      assertThat(status.path("terminationReason").asText()).isEqualTo("budget_exceeded");
      assertThat(status.path("budgetExceeded").asBoolean()).isTrue();
      int upstreamsAtEnd = upstreams(deployment).size();

      // A later hello still connects (the user sees the transcript); a resume is refused, and opens nothing.
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, again)) {
        JsonNode connected = client.awaitEvent("connected", TIMEOUT);
        assertThat(connected.path("budgetExceeded").asBoolean()).isTrue();
        assertThat(connected.path("budgetMessage").asText()).contains("usage limit");
        assertThat(connected.path("history").size()).as("the transcript is kept").isGreaterThanOrEqualTo(2);
        client.send("{\"type\":\"resume_interview\"}");
        JsonNode refused = client.awaitEvent("the refusal", TIMEOUT,
            e -> "error".equals(e.path("type").asText()) && "budget_exceeded".equals(e.path("code").asText()));
        assertThat(refused.path("message").asText()).contains("maxTotalTokens");
        Await.sleep(1_000);
        assertThat(upstreams(deployment)).as("no upstream for a refused resume").hasSize(upstreamsAtEnd);

        // The backend raises the limit: the same resume is accepted now.
        assertThat(VoiceClient.patch(deployment.clientVertx(), port, path,
            "{\"limits\":{\"maxTotalTokens\":" + 1_000_000 + "}}", null).status()).isEqualTo(200);
        client.send("{\"type\":\"resume_interview\"}");
        client.awaitEvent("interview.resumed", TIMEOUT);
        Await.until("an upstream opened for the resumed session", TIMEOUT,
            () -> upstreams(deployment).stream().anyMatch(SimulatedSession::isOpen));
        int answered = InterviewSessionTest.answers(client);
        client.send("{\"type\":\"text\",\"text\":\"after the raise\"}");
        InterviewSessionTest.awaitAnswers(client, answered + 1);
      }
    }
  }

  @org.junit.jupiter.api.Test
  @DisplayName("the session service is down: the relay ends an upstream past the limits it opened with, on its own")
  void relayHoldsTheBudgetAlone() {
    // A short bus timeout: the relay waits 3 of them for the session service to end the session.
    Map<String, String> env = Map.of("VOXRELAY_BUS_TIMEOUT_MS", "1000");
    try (Deployment deployment = Deployment.start(env, 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.HttpReply created = VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions",
          "{\"instructions\":\"" + INSTRUCTIONS + "\",\"questions\":[\"Who are you?\"],"
              + "\"limits\":{\"maxOutputTokens\":1}}");
      VoiceClient.Created session = new VoiceClient.Created(created.body().path("sessionId").asText(),
          created.body().path("token").asText());
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        client.awaitEvent("connected", TIMEOUT);
        Await.until("the upstream opened", TIMEOUT, () -> upstreams(deployment).stream()
            .anyMatch(SimulatedSession::isOpen));
        deployment.stopSessionService(0);
        // Voice goes from the gateway to the relay without the session service; its answer bills tokens.
        client.streamAudio(SpeechLikeAudio.turn(800), 0);
        JsonNode closedBy = client.awaitEvent("the relay's own end", TIMEOUT,
            e -> "error".equals(e.path("type").asText()) && "budget_exceeded".equals(e.path("code").asText()));
        assertThat(closedBy.path("message").asText()).contains("limit");
        Await.until("the upstream closed at the simulator", TIMEOUT,
            () -> upstreams(deployment).stream().noneMatch(SimulatedSession::isOpen));
        assertThat(client.awaitClose(TIMEOUT)).as("try again later").isEqualTo(1013);
      }
    }
  }

  private static JsonNode usage(Deployment deployment, int port, String path) {
    return VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage");
  }

  private static List<SimulatedSession> upstreams(Deployment deployment) {
    return deployment.simulator.sessions().stream().filter(s -> s.instructions().startsWith(INSTRUCTIONS)).toList();
  }
}
