package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session service is down for 5 s while sessions talk: the turns that finish meanwhile wait in the relay's
 * outbox (retried under their idempotency keys) and are stored once it is back, so after a reconnect every
 * finished turn is in the history.
 */
@DisplayName("The session service down for 5 s during turns")
class SessionServiceOutageTest {

  private static final int SESSIONS = 6;

  @Test
  @DisplayName("loses no finished turn: after the restart and a reconnect, each is in the history, once")
  void noTurnLost() {
    try (ProcessCluster cluster = new ProcessCluster("outage", Map.of("VOXRELAY_BUS_TIMEOUT_MS", "2000"))) {
      ServiceProcess sessionService = cluster.start("so-session-service", SessionServiceMain.class);
      cluster.start("so-watchdog-service", WatchdogServiceMain.class);
      cluster.start("so-relay", RelayServiceMain.class);
      cluster.start("so-gateway", GatewayServiceMain.class);
      List<ScriptedSession> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          sessions.add(ScriptedSession.start(cluster.vertx, cluster.httpPort, () -> cluster.httpPort,
              "outage-session-" + i + "-"));
        }
        for (ScriptedSession s : sessions) {
          s.type("before the outage, " + s.marker, false);
        }
        sessions.forEach(ScriptedSession::awaitEchoes);

        sessionService.kill();
        // Voice turns go on without the session service: the relay answers, and its events wait to be stored.
        for (ScriptedSession s : sessions) {
          s.speak();
        }
        Await.sleep(5_000);
        sessionService = cluster.start("so-session-service-2", SessionServiceMain.class);

        for (ScriptedSession s : sessions) {
          Await.until(s.marker + ": the voice turn's answer arrived", Duration.ofSeconds(60),
              () -> s.processed("transcript.done").stream().filter(e -> "assistant".equals(e.path("role").asText()))
                  .count() >= 2);
          s.type("after the outage, " + s.marker, false);
        }
        sessions.forEach(ScriptedSession::awaitEchoes);

        for (ScriptedSession s : sessions) {
          Await.until(s.marker + ": three answers", Duration.ofSeconds(60),
              () -> s.processed("transcript.done").stream().filter(e -> "assistant".equals(e.path("role").asText()))
                  .count() >= 3);
          List<String> shown = s.finishedItems();
          s.client.drop();
          s.reconnectIfNeeded();
          JsonNode connected = s.client.lastConnected();
          List<String> history = StreamSupport.stream(connected.path("history").spliterator(), false)
              .map(t -> t.path("itemId").asText()).toList();
          assertThat(history).as("%s: every finished turn the client was shown is in the history, once", s.marker)
              .doesNotHaveDuplicates().containsAll(shown);
          assertThat(history).as("%s: typed, spoken and answered turns", s.marker).hasSizeGreaterThanOrEqualTo(6);
          s.assertClientSawEachEventOnce();
        }
      } finally {
        sessions.forEach(ScriptedSession::close);
      }
    }
  }
}
