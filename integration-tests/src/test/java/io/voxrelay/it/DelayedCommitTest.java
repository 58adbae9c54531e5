package io.voxrelay.it;

import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store commits a batch of events after the relay's bus request for it timed out: the test holds the
 * SQLite write lock for twice the bus timeout while the AI answers. The relay sends the batch again under the
 * same idempotency key, and the store answers it with what it stored the first time.
 */
@Tag("full")
@DisplayName("An emit whose commit outlasts the bus timeout")
class DelayedCommitTest {

  private static final long BUS_TIMEOUT_MS = 1_500;

  @Test
  @DisplayName("is stored once, and each event reaches the client exactly once")
  void storedOnce() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster("commit", Map.of("VOXRELAY_BUS_TIMEOUT_MS",
        String.valueOf(BUS_TIMEOUT_MS)))) {
      ServiceProcess sessions = cluster.start("dc-session-service", SessionServiceMain.class);
      ServiceProcess relay = cluster.start("dc-relay", RelayServiceMain.class);
      cluster.start("dc-gateway", GatewayServiceMain.class);
      try (ScriptedSession session = ScriptedSession.start(cluster.vertx, cluster.httpPort, () -> cluster.httpPort,
          "delayed-commit-")) {
        session.type("a first turn", false);
        session.awaitEchoes();

        Path db = Path.of(cluster.env().get("VOXRELAY_DATA_DIR"), "voxrelay.db");
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
          session.type("a turn answered while the store is locked", false);
          // Once the upstream has the typed turn, its answer's events are on their way to the store: lock it.
          SimulatedSession upstream = session.upstreams(cluster.simulator).get(0);
          Await.until("the typed turn reached the upstream", Duration.ofSeconds(20),
              () -> upstream.items().stream().anyMatch(i -> "a turn answered while the store is locked".equals(i.text())));
          try (Statement s = lock.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("BEGIN IMMEDIATE");
            Await.sleep(BUS_TIMEOUT_MS * 2 + 500);
            s.execute("COMMIT");
          }
        }
        session.awaitEchoes();
        session.type("a turn after", false);
        session.awaitEchoes();
        Await.sleep(1_000);

        assertThat(relay.lines()).as("the relay's request for the batch timed out and was sent again")
            .anyMatch(l -> l.contains("[Outbox] storing") && l.contains("retrying"));
        session.assertClientSawEachEventOnce();
        session.assertTypedTurnsCarriedOutOnce(cluster.simulator);
        assertThat(session.processed("transcript.done").stream().filter(e -> "assistant".equals(e.path("role").asText())))
            .as("one answer per typed turn").hasSize(3);
        assertThat(sessions.lines()).as("no error logged by the session service").noneMatch(l -> l.contains(" ERROR "));
      }
    }
  }
}
