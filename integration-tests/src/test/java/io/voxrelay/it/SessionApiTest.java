package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The session API for the app's backend, beyond creation, on a deployment of two session-service instances. */
@DisplayName("The session API")
class SessionApiTest {

  private static final String KEY = "test-api-key-0123456789";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_API_KEY", KEY, "VOXRELAY_DETACH_GRACE_MS", "300"), 2, 1, 0, 1);
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

  private VoiceClient.HttpReply get(String path) {
    return VoiceClient.get(deployment.clientVertx(), port(), path, KEY);
  }

  @Test
  @DisplayName("the public GET /health says UP and nothing else: no node id, no counts")
  void healthSaysOnlyUp() {
    VoiceClient.HttpReply health = VoiceClient.get(deployment.clientVertx(), port(), "/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().toString()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  @DisplayName("GET /v1/sessions/{id}: the state, question, flags, connection and times; 401 without the key, 404 for no session")
  void readsASession() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), KEY);
    String path = "/v1/sessions/" + session.sessionId();
    JsonNode before = get(path).body();
    assertThat(before.path("state").asText()).isEqualTo("live");
    assertThat(before.path("connection").path("connections").asInt()).isZero();
    assertThat(before.path("connection").path("clientConnected").asBoolean()).isFalse();
    assertThat(before.toString()).as("never the token").doesNotContain(session.token());

    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
      client.send("{\"type\":\"next_question\"}");
      client.awaitEvent("question.changed", TIMEOUT);
      Await.until("the client shows as connected, with its upstream", TIMEOUT, () -> {
        JsonNode s = get(path).body();
        return s.path("connection").path("clientConnected").asBoolean() && s.path("connection").path("upstreamOpen").asBoolean();
      });
      JsonNode during = get(path).body();
      assertThat(during.path("currentQuestionIndex").asInt()).isEqualTo(1);
      assertThat(during.path("questionCount").asInt()).isPositive();
      assertThat(during.path("paused").asBoolean()).isFalse();
      assertThat(during.path("terminationReason").isNull()).isTrue();
      assertThat(during.path("times").path("createdAt").asLong()).isPositive();
      assertThat(during.path("times").path("lastActivityAt").asLong())
          .isGreaterThanOrEqualTo(during.path("times").path("createdAt").asLong());
    }

    assertThat(VoiceClient.get(deployment.clientVertx(), port(), path, VoiceClient.NO_KEY).status()).isEqualTo(401);
    assertThat(VoiceClient.get(deployment.clientVertx(), port(), path, "wrong-key").status()).isEqualTo(401);
    assertThat(VoiceClient.get(deployment.clientVertx(), port(), "/v1/sessions", VoiceClient.NO_KEY).status()).isEqualTo(401);
    VoiceClient.HttpReply unknown = get("/v1/sessions/s_" + "0".repeat(32));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("error").asText()).isEqualTo("not_found");
    assertThat(get("/v1/sessions/not-a-session").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("PATCH /v1/sessions/{id}: the backend's metadata is kept, replaced and removed; anything else is a 400")
  void keepsMetadata() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), KEY);
    String path = "/v1/sessions/" + session.sessionId();
    VoiceClient.HttpReply set = VoiceClient.patch(deployment.clientVertx(), port(), path,
        "{\"metadata\":{\"candidate\":\"c-42\",\"round\":2}}", KEY);
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().path("metadata").path("candidate").asText()).isEqualTo("c-42");
    assertThat(get(path).body().path("metadata").path("round").asInt()).as("read back, from either instance").isEqualTo(2);

    VoiceClient.HttpReply removed = VoiceClient.patch(deployment.clientVertx(), port(), path, "{\"metadata\":null}", KEY);
    assertThat(removed.body().path("metadata").isNull()).isTrue();

    VoiceClient.HttpReply limited = VoiceClient.patch(deployment.clientVertx(), port(), path,
        "{\"limits\":{\"maxTotalTokens\":20000,\"maxUpstreamSeconds\":900}}", KEY);
    assertThat(limited.status()).isEqualTo(200);
    JsonNode limits = get(path).body().path("limits");
    assertThat(limits.path("maxTotalTokens").asLong()).isEqualTo(20_000);
    assertThat(limits.path("maxUpstreamSeconds").asLong()).isEqualTo(900);
    assertThat(limits.path("maxOutputTokens").isNull()).isTrue();
    assertThat(VoiceClient.patch(deployment.clientVertx(), port(), path, "{\"limits\":{\"maxCostUsd\":1}}", KEY).status())
        .as("no price table here").isEqualTo(400);
    VoiceClient.HttpReply costly = VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions",
        "{\"limits\":{\"maxCostUsd\":1}}", KEY);
    assertThat(costly.status()).as("nor at creation").isEqualTo(400);
    assertThat(costly.body().path("message").asText()).contains("VOXRELAY_PRICES");

    for (String bad : List.of("{\"metadata\":[1]}", "{\"state\":\"ended\"}", "{}", "[]", "not json",
        "{\"metadata\":{\"x\":\"" + "y".repeat(17_000) + "\"}}")) {
      VoiceClient.HttpReply refused = VoiceClient.patch(deployment.clientVertx(), port(), path, bad, KEY);
      assertThat(refused.status()).as(bad.length() > 40 ? bad.substring(0, 40) : bad).isEqualTo(400);
      assertThat(refused.body().path("error").asText()).isEqualTo("invalid_request");
    }
    assertThat(VoiceClient.patch(deployment.clientVertx(), port(), path, "{\"metadata\":{}}", VoiceClient.NO_KEY).status())
        .isEqualTo(401);
    assertThat(VoiceClient.patch(deployment.clientVertx(), port(), "/v1/sessions/s_" + "1".repeat(32),
        "{\"metadata\":{}}", KEY).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("POST /v1/sessions/{id}/end: the client gets interview.ended and close 1000, the upstream closes, the session cannot be resumed")
  void endsASession() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), KEY);
    String path = "/v1/sessions/" + session.sessionId();
    int upstreams = deployment.simulator.sessions().size();
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
      var upstream = InterviewSessionTest.upstreamOf(deployment, upstreams);
      VoiceClient.HttpReply ended = VoiceClient.post(deployment.clientVertx(), port(), path + "/end", "", KEY);
      assertThat(ended.status()).isEqualTo(200);
      assertThat(ended.body().path("state").asText()).isEqualTo("ended");
      client.awaitEvent("interview.ended", TIMEOUT);
      assertThat(client.awaitClose(TIMEOUT)).isEqualTo(CloseCode.NORMAL.code());
      Await.until("the upstream closes", TIMEOUT, () -> !upstream.isOpen());
    }
    VoiceClient.HttpReply again = VoiceClient.post(deployment.clientVertx(), port(), path + "/end", "", KEY);
    assertThat(again.status()).as("ending twice changes nothing").isEqualTo(200);
    assertThat(again.body().path("terminationReason").asText()).isEqualTo("ended");
    assertThat(VoiceClient.post(deployment.clientVertx(), port(), path + "/end", "", VoiceClient.NO_KEY).status()).isEqualTo(401);
    assertThat(VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions/s_" + "2".repeat(32) + "/end", "",
        KEY).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("DELETE /v1/sessions/{id} ends a live session (its client told, its upstream closed), then erases it: 204, then 404 everywhere; 401 without the key")
  void erasesASession() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), KEY);
    String path = "/v1/sessions/" + session.sessionId();
    int upstreams = deployment.simulator.sessions().size();
    VoiceClient.Created latest;
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
      var upstream = InterviewSessionTest.upstreamOf(deployment, upstreams);
      InterviewSessionTest.voiceTurn(client);
      latest = client.resumeWith();
      assertThat(VoiceClient.delete(deployment.clientVertx(), port(), path, VoiceClient.NO_KEY).status()).isEqualTo(401);
      assertThat(VoiceClient.delete(deployment.clientVertx(), port(), path, KEY).status()).isEqualTo(204);
      client.awaitEvent("interview.ended", TIMEOUT);
      assertThat(client.awaitClose(TIMEOUT)).isEqualTo(CloseCode.NORMAL.code());
      Await.until("the upstream closes", TIMEOUT, () -> !upstream.isOpen());
    }
    assertThat(get(path).status()).isEqualTo(404);
    assertThat(get(path + "/transcript").status()).isEqualTo(404);
    assertThat(VoiceClient.delete(deployment.clientVertx(), port(), path, KEY).status()).as("erased once").isEqualTo(404);
    try (VoiceClient again = VoiceClient.open(deployment.clientVertx(), port(), session.sessionId())) {
      again.send("{\"type\":\"hello\",\"token\":\"" + latest.token() + "\"}");
      assertThat(again.awaitClose(TIMEOUT)).as("its latest token opens nothing").isEqualTo(CloseCode.UNAUTHORIZED.code());
    }
  }

  @Test
  @DisplayName("GET /v1/sessions?state=: pages of one state, newest first, each session once; 400 for a state or cursor that is not one")
  void listsByState() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(VoiceClient.createSession(deployment.clientVertx(), port(), KEY).sessionId());
    }
    String ended = created.get(2);
    assertThat(VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions/" + ended + "/end", "", KEY).status())
        .isEqualTo(200);

    List<String> live = new ArrayList<>();
    List<String> order = new ArrayList<>();
    String before = null;
    for (int page = 0; page < 1_000; page++) {
      JsonNode body = get("/v1/sessions?state=live&limit=2" + (before == null ? "" : "&before=" + before)).body();
      body.path("sessions").forEach(s -> {
        assertThat(s.path("state").asText()).isEqualTo("live");
        live.add(s.path("sessionId").asText());
        order.add(String.format("%020d %s", s.path("times").path("createdAt").asLong(), s.path("sessionId").asText()));
      });
      if (body.path("nextBefore").isNull()) {
        break;
      }
      before = body.path("nextBefore").asText();
    }
    Set<String> distinct = new HashSet<>(live);
    assertThat(distinct).as("each session once").hasSameSizeAs(live);
    assertThat(order).as("newest first (by creation time, then id)")
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    List<String> expected = new ArrayList<>(created);
    expected.remove(ended);
    assertThat(live).containsAll(expected).doesNotContain(ended);

    JsonNode endedPage = get("/v1/sessions?state=ended").body();
    assertThat(endedPage.path("sessions").findValuesAsText("sessionId")).contains(ended).doesNotContainAnyElementsOf(expected);
    assertThat(get("/v1/sessions?state=sleeping").status()).isEqualTo(400);
    assertThat(get("/v1/sessions?before=nonsense").status()).isEqualTo(400);
    assertThat(get("/v1/sessions?limit=0").status()).isEqualTo(400);
    assertThat(get("/v1/sessions").body().path("sessions").size()).isPositive();
  }
}
