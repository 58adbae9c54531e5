package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.relay.RelayVerticle;
import io.voxrelay.simulator.SimulatedSession;
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

/**
 * The services as a cluster of their own nodes, scaled out: what a client sees end to end, bad first frames,
 * and sessions across gateways and relays. One deployment serves every test: none of them disturbs it.
 */
@DisplayName("Two gateways, two relays and two session services in one cluster")
class ScaledOutClusterTest {

  private static final Duration TURN_TIMEOUT = Duration.ofSeconds(20);
  private static final String API_KEY = "test-api-key";
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_API_KEY", API_KEY, "VOXRELAY_HELLO_TIMEOUT_MS", "800"), 2, 2, 1, 2);
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
  @DisplayName("a client streaming 2 s of speech gets connected, the AI's audio and both transcripts")
  void voiceTurnEndToEnd() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), API_KEY, "end-to-end");
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
      JsonNode connected = client.events("connected").get(0);
      assertThat(connected.path("sessionId").asText()).isEqualTo(session.sessionId());
      assertThat(connected.path("awaitingResume").asBoolean(true)).isFalse();
      assertThat(connected.path("isPaused").asBoolean(true)).isFalse();
      assertThat(connected.path("currentQuestionIndex").asInt(-1)).isZero();

      byte[] turn = SpeechLikeAudio.turn(2_000);
      client.streamAudio(turn, 5);

      client.awaitEvent("the user's transcript", TURN_TIMEOUT,
          e -> e.path("type").asText().contains("transcript") && "user".equals(e.path("role").asText())
              && e.path("type").asText().endsWith("done"));
      JsonNode answer = client.awaitEvent("the AI's transcript", TURN_TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
      assertThat(answer.path("text").asText()).contains("I spoke for 2.0 seconds");
      Await.until("the AI's audio arrived", TURN_TIMEOUT, () -> client.aiAudioBytes() >= Pcm16.bytesOf(1_000));

      SimulatedSession upstream = deployment.upstream("end-to-end");
      assertThat(upstream.audioBytesReceived()).isEqualTo(turn.length);
      assertThat(upstream.receivedTypes()).first().isEqualTo("session.update");
      assertThat(upstream.responsesCreated()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("bad first frames, wrong tokens and unknown sessions are closed with their codes while another client goes on")
  void badInputIsRejectedWithoutHarm() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port(), API_KEY);
    try (VoiceClient healthy = VoiceClient.connect(deployment.clientVertx(), port(), session)) {
      assertThat(closeCodeAfter(session.sessionId(), "this is not json")).isEqualTo(CloseCode.BAD_HELLO.code());
      assertThat(closeCodeAfter(session.sessionId(), "{\"type\":\"heartbeat.ping\"}"))
          .isEqualTo(CloseCode.BAD_HELLO.code());
      assertThat(closeCodeAfter(session.sessionId(), "{\"type\":\"hello\"}")).isEqualTo(CloseCode.BAD_HELLO.code());
      assertThat(closeCodeAfter(session.sessionId(), "{\"type\":\"hello\",\"token\":\"forged\"}"))
          .isEqualTo(CloseCode.UNAUTHORIZED.code());
      assertThat(closeCodeAfter("s_" + "0".repeat(32), "{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}"))
          .as("a session id of the right form that names no session").isEqualTo(CloseCode.UNAUTHORIZED.code());
      assertThat(VoiceClient.get(deployment.clientVertx(), port(), "/v1/sessions/s_unknown/ws", null).status())
          .as("a path that is no session id is refused before the upgrade").isEqualTo(404);
      try (VoiceClient silent = VoiceClient.open(deployment.clientVertx(), port(), session.sessionId())) {
        assertThat(silent.awaitClose(Duration.ofSeconds(10))).isEqualTo(CloseCode.HELLO_TIMEOUT.code());
      }

      healthy.send("{\"type\":\"nonsense\"}");
      JsonNode error = healthy.awaitEvent("error", Duration.ofSeconds(5));
      assertThat(error.path("code").asText()).isEqualTo("unknown_type");
      healthy.send("{\"type\":\"audio\",\"data\":\"***\"}");
      Await.sleep(300);
      assertThat(healthy.events("error")).as("one error reply a second: the second bad frame is not answered")
          .hasSize(1);
      Await.sleep(800);
      healthy.send("{\"type\":\"audio\",\"data\":\"***\"}");
      healthy.awaitEvent("an invalid_audio error, a second later", Duration.ofSeconds(5),
          e -> "invalid_audio".equals(e.path("code").asText()));
      healthy.send("{\"type\":\"heartbeat.ping\"}");
      healthy.awaitEvent("heartbeat.pong", Duration.ofSeconds(5));
      healthy.streamAudio(SpeechLikeAudio.turn(1_000), 5);
      healthy.awaitEvent("the AI's answer after the bad clients", TURN_TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
      assertThat(healthy.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("POST /v1/sessions refuses malformed bodies with 400 and a reason")
  void createSessionValidatesItsBody() {
    var reply = VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions", "{\"questions\":\"one\"}", API_KEY);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().path("error").asText()).isEqualTo("invalid_request");
    assertThat(VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions", "[", API_KEY).status()).isEqualTo(400);
    assertThat(VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions", "{\"a\":" + "[".repeat(100)
        + "]".repeat(100) + "}", API_KEY).status()).isEqualTo(400);
  }

  private int closeCodeAfter(String sessionId, String firstFrame) {
    try (VoiceClient client = VoiceClient.open(deployment.clientVertx(), port(), sessionId)) {
      client.send(firstFrame);
      return client.awaitClose(Duration.ofSeconds(10));
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
    var noKey = VoiceClient.post(deployment.clientVertx(), deployment.gatewayPort(0), "/v1/sessions", body, VoiceClient.NO_KEY);
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
