package io.voxrelay.it;

import io.voxrelay.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /v1/sessions/{id}/transcript")
class TranscriptApiTest {

  private static final String KEY = "test-api-key-0123456789";
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_API_KEY", KEY), 1, 1, 0, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  @DisplayName("pages the whole history in order, with the API key; 401 without it, 404 for no session, 400 for bad paging")
  void pagesTheHistory() {
    int port = deployment.gatewayPort(0);
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    String path = "/v1/sessions/" + session.sessionId() + "/transcript";
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
      for (int i = 1; i <= 3; i++) {
        client.send("{\"type\":\"text\",\"text\":\"turn " + i + "\"}");
        InterviewSessionTest.awaitAnswers(client, i);
      }
    }
    Await.until("six turns stored", Duration.ofSeconds(10), () ->
        VoiceClient.get(deployment.clientVertx(), port, path, KEY).body().path("turns").size() == 6);

    VoiceClient.HttpReply first = VoiceClient.get(deployment.clientVertx(), port, path + "?limit=4", KEY);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().path("turns")).hasSize(4);
    assertThat(first.body().path("turns").get(0).path("text").asText()).isEqualTo("turn 1");
    assertThat(first.body().path("turns").get(0).path("position").asLong()).isEqualTo(1);
    assertThat(first.body().path("turns").get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(first.body().path("nextAfter").asLong()).isEqualTo(4);
    VoiceClient.HttpReply rest = VoiceClient.get(deployment.clientVertx(), port, path + "?after=4&limit=4", KEY);
    assertThat(rest.body().path("turns")).hasSize(2);
    assertThat(rest.body().path("turns").get(0).path("text").asText()).isEqualTo("turn 3");
    assertThat(rest.body().path("nextAfter").isNull()).isTrue();

    assertThat(VoiceClient.get(deployment.clientVertx(), port, path, VoiceClient.NO_KEY).status()).isEqualTo(401);
    assertThat(VoiceClient.get(deployment.clientVertx(), port, path, "wrong-key").status()).isEqualTo(401);
    VoiceClient.HttpReply missing = VoiceClient.get(deployment.clientVertx(), port, "/v1/sessions/s_none/transcript", KEY);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().path("error").asText()).isEqualTo("not_found");
    assertThat(VoiceClient.get(deployment.clientVertx(), port, path + "?limit=0", KEY).status()).isEqualTo(400);
    assertThat(VoiceClient.get(deployment.clientVertx(), port, path + "?after=x", KEY).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("pages beyond the 200 most recent turns a session carries: every turn, once, in order")
  void pagesBeyondTheRecentTurns() {
    int port = deployment.gatewayPort(0);
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    int exchanges = 105;
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
      client.send("{\"type\":\"text_only\",\"enabled\":true}");
      client.awaitEvent("text_only.changed", Duration.ofSeconds(20));
      for (int i = 1; i <= exchanges; i++) {
        client.send("{\"type\":\"text\",\"text\":\"turn " + i + "\"}");
        InterviewSessionTest.awaitAnswers(client, i);
      }
    }
    String path = "/v1/sessions/" + session.sessionId() + "/transcript";
    java.util.List<String> typed = new java.util.ArrayList<>();
    long position = 0;
    long after = 0;
    for (int page = 0; page < 100; page++) {
      VoiceClient.HttpReply reply = VoiceClient.get(deployment.clientVertx(), port, path + "?after=" + after + "&limit=64",
          KEY);
      for (var turn : reply.body().path("turns")) {
        assertThat(turn.path("position").asLong()).isEqualTo(++position);
        if ("user".equals(turn.path("role").asText())) {
          typed.add(turn.path("text").asText());
        }
      }
      if (reply.body().path("nextAfter").isNull()) {
        break;
      }
      after = reply.body().path("nextAfter").asLong();
    }
    assertThat(position).as("every turn, past the 200 a snapshot holds").isEqualTo(2L * exchanges);
    assertThat(typed).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, exchanges)
        .mapToObj(i -> "turn " + i).toList());
  }
}
