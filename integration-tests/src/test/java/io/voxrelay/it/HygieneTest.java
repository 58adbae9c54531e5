package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Session hygiene with short limits (heartbeat timeout 1.5 s, idle 2.5 s)")
class HygieneTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of(
        "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "1500",
        "VOXRELAY_SESSION_IDLE_TIMEOUT_MS", "2500",
        "VOXRELAY_WATCHDOG_INTERVAL_MS", "200",
        "VOXRELAY_RELAY_GUARD_GRACE_MS", "60000"), 1, 1, 1, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private record Live(VoiceClient client, VoiceClient.Created session, SimulatedSession upstream) {
  }

  private Live connect() {
    int before = deployment.simulator.sessions().size();
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
    VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session);
    return new Live(client, session, InterviewSessionTest.upstreamOf(deployment, before));
  }

  /** The client is told, the state is persisted, the upstream is closed, the socket closes with 4000. */
  static void assertTerminated(Deployment deployment, VoiceClient client, String sessionId,
                               SimulatedSession upstream, TerminationReason reason) {
    JsonNode terminated = client.awaitEvent("session.terminated", TIMEOUT);
    assertThat(terminated.path("reason").asText()).isEqualTo(reason.code());
    assertThat(terminated.path("message").asText()).isEqualTo(reason.message());
    assertThat(client.awaitClose(TIMEOUT)).isEqualTo(CloseCode.SESSION_TERMINATED.code());
    assertThat(client.events("session.terminated")).hasSize(1);
    Await.until("the upstream is closed at the simulator", TIMEOUT, () -> !upstream.isOpen());
    StoredSession stored = StoredSession.read(deployment.dataDir(), sessionId);
    assertThat(stored.awaitingResume()).isTrue();
    assertThat(stored.terminationReason()).isEqualTo(reason.code());
  }

  @Test
  @DisplayName("audio without heartbeats ends in heartbeat_timeout")
  void heartbeatTimeout() {
    Live live = connect();
    try (VoiceClient client = live.client()) {
      client.keepSpeaking(10_000);
      assertTerminated(deployment, client, live.session().sessionId(), live.upstream(),
          TerminationReason.HEARTBEAT_TIMEOUT);
      assertThat(StoredSession.read(deployment.dataDir(), live.session().sessionId()).lastAudioActivityAt())
          .as("forwarded audio was recorded").isGreaterThan(0);
    }
    assertThat(deployment.terminations(TerminationReason.HEARTBEAT_TIMEOUT)).isPositive();
  }

  @Test
  @DisplayName("heartbeats without audio end in idle_timeout, with the conversation persisted")
  void idleTimeout() {
    Live live = connect();
    try (VoiceClient client = live.client()) {
      client.startHeartbeats(300);
      InterviewSessionTest.voiceTurn(client);
      assertTerminated(deployment, client, live.session().sessionId(), live.upstream(), TerminationReason.IDLE_TIMEOUT);
      assertThat(StoredSession.read(deployment.dataDir(), live.session().sessionId()).turns()).isEqualTo(2);
    }
    assertThat(deployment.terminations(TerminationReason.IDLE_TIMEOUT)).isPositive();
  }

  @Test
  @DisplayName("a session kept busy with heartbeats and speech outlives the idle timeout")
  void activeSessionsLive() {
    Live live = connect();
    try (VoiceClient client = live.client()) {
      client.startHeartbeats(300);
      for (int i = 0; i < 4; i++) {
        InterviewSessionTest.voiceTurn(client);
        Await.sleep(600);
      }
      assertThat(client.events("session.terminated")).isEmpty();
      assertThat(client.isClosed()).isFalse();
      assertThat(deployment.liveSessions()).isPositive();
    }
  }

  @Test
  @DisplayName("a paused session is not idle, and audio leaked while paused counts for nothing")
  void pausedIsNotIdleAndLeakedAudioKeepsNothingAlive() {
    Live live = connect();
    try (VoiceClient client = live.client()) {
      client.startHeartbeats(300);
      client.send("{\"type\":\"pause_interview\"}");
      client.awaitEvent("interview.paused", TIMEOUT);
      long pausedAt = System.currentTimeMillis();
      client.keepSpeaking(4_000);
      assertThat(client.events("session.terminated")).as("paused for longer than the idle timeout").isEmpty();
      Await.sleep(1_200);
      assertThat(StoredSession.read(deployment.dataDir(), live.session().sessionId()).lastAudioActivityAt())
          .as("no audio activity recorded while paused").isLessThan(pausedAt);
      assertThat(live.upstream().audioBytesReceived()).isZero();

      // Still paused, still leaking audio, but the heartbeats stop: the session is not kept alive.
      client.stopHeartbeats();
      client.keepSpeaking(10_000);
      assertTerminated(deployment, client, live.session().sessionId(), live.upstream(),
          TerminationReason.HEARTBEAT_TIMEOUT);
    }
  }

  @Test
  @DisplayName("after an idle termination the client resumes the saved interview")
  void resumeAfterTermination() {
    Live live = connect();
    VoiceClient.Created resumeWith;
    try (VoiceClient client = live.client()) {
      client.startHeartbeats(300);
      InterviewSessionTest.voiceTurn(client);
      resumeWith = client.resumeWith();
      assertTerminated(deployment, client, live.session().sessionId(), live.upstream(), TerminationReason.IDLE_TIMEOUT);
    }
    int before = deployment.simulator.sessions().size();
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), resumeWith)) {
      client.startHeartbeats(300);
      JsonNode connected = client.events("connected").get(0);
      assertThat(connected.path("awaitingResume").asBoolean()).isTrue();
      assertThat(connected.path("history")).hasSize(2);
      client.send("{\"type\":\"resume_interview\"}");
      client.awaitEvent("interview.resumed", TIMEOUT);
      SimulatedSession restored = InterviewSessionTest.upstreamOf(deployment, before);
      assertThat(restored.items()).hasSize(2);
      InterviewSessionTest.voiceTurn(client);
    }
  }
}
