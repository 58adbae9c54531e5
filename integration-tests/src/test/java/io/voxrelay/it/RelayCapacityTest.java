package io.voxrelay.it;

import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One relay process carries many sessions (Vert.x's WebSocket client allows 50 connections per host unless
 * told otherwise), and an upstream whose open the gateway gave up on never stays open without a client.
 */
@Tag("full")
@DisplayName("Relay capacity and abandoned opens")
class RelayCapacityTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int SESSIONS = 120;

  @Test
  @DisplayName("120 concurrent sessions on one relay: all connect, hold an upstream each, and complete a turn")
  void manySessionsOnOneRelay() {
    // Every client of this test connects from one address, more of them than that address may hold by default.
    try (Deployment deployment = Deployment.start(
        Map.of("VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(SESSIONS)), 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      List<VoiceClient.Created> created = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        created.add(VoiceClient.createSession(deployment.clientVertx(), port));
      }
      List<VoiceClient> clients = new ArrayList<>();
      try {
        for (VoiceClient.Created session : created) {
          VoiceClient client = VoiceClient.open(deployment.clientVertx(), port, session.sessionId());
          clients.add(client);
          client.send("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
        }
        for (VoiceClient client : clients) {
          client.awaitEvent("connected", TIMEOUT);
        }
        assertThat(deployment.relays.get(0).liveSessions()).isEqualTo(SESSIONS);
        assertThat(deployment.simulator.openSessions()).hasSize(SESSIONS);
        for (int i = 0; i < clients.size(); i++) {
          clients.get(i).send("{\"type\":\"text\",\"text\":\"turn of session " + i + "\"}");
        }
        for (VoiceClient client : clients) {
          Await.until("an answer", TIMEOUT, () -> InterviewSessionTest.answers(client) >= 1);
          assertThat(client.isClosed()).isFalse();
        }
      } finally {
        clients.forEach(VoiceClient::close);
      }
    }
  }

  @Test
  @DisplayName("an upstream whose client left before it opened closes within 1 s of opening, and the session opens again later")
  void abandonedOpenIsClosedAtOnce() {
    try (Deployment deployment = Deployment.start(Map.of("VOXRELAY_BUS_TIMEOUT_MS", "1000"), 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
      deployment.simulator.delayHandshakes(2_500);
      // The gateway waits as long as the relay's own open takes (it no longer gives up first); the client does
      // not: it leaves while the upstream is still opening.
      try (VoiceClient client = VoiceClient.open(deployment.clientVertx(), port, session.sessionId())) {
        client.send("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
        Await.sleep(500);
      }
      SimulatedSession late = Await.value("the late upstream", TIMEOUT,
          () -> deployment.simulator.sessions().isEmpty() ? null : deployment.simulator.sessions().get(0));
      Await.until("the late upstream closed", TIMEOUT, () -> !late.isOpen());
      long openMillis = TimeUnit.NANOSECONDS.toMillis(late.closedAtNanos() - late.openedAtNanos());
      assertThat(openMillis).as("ms the abandoned upstream stayed open").isLessThan(1_000);
      // Read from the test's thread: the relay's own count follows its close within moments.
      Await.until("the relay let go of the abandoned session", Duration.ofSeconds(5),
          () -> deployment.relays.get(0).liveSessions() == 0);

      deployment.simulator.delayHandshakes(0);
      try (VoiceClient again = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        assertThat(again.events("connected").get(0).path("awaitingResume").asBoolean())
            .as("the session did not become 'awaiting resume': no client ever had that upstream").isFalse();
        again.send("{\"type\":\"text\",\"text\":\"hello again\"}");
        InterviewSessionTest.awaitAnswers(again, 1);
      }
    }
  }
}
