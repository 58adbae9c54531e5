package io.voxrelay.it;

import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.standalone.Standalone;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Each cluster has one store: separate runs on one machine stay apart, and a second store is refused loudly. */
@Tag("full")
@DisplayName("One store per cluster")
class SeparateStoresTest {

  @Test
  @DisplayName("two standalone runs with their own data directories stay separate clusters: no spurious 4401")
  void twoStandaloneRuns() throws IOException {
    Vertx vertx = Vertx.vertx();
    int[] ports = {ProcessCluster.freePort(), ProcessCluster.freePort()};
    ServiceProcess[] runs = new ServiceProcess[2];
    try {
      for (int i = 0; i < 2; i++) {
        Map<String, String> env = new HashMap<>();
        env.put("VOXRELAY_HTTP_PORT", String.valueOf(ports[i]));
        env.put("VOXRELAY_HTTP_HOST", "127.0.0.1");
        env.put("VOXRELAY_DATA_DIR", Files.createTempDirectory("voxrelay-run-" + i).toString());
        env.put("VOXRELAY_AUDIO_BURST_MS", Deployment.TEST_AUDIO_BURST_MS);
        env.put("VOXRELAY_API_KEY", Deployment.API_KEY);
        runs[i] = ServiceProcess.start("standalone-run-" + i, Standalone.class, env)
            .awaitReady(ProcessCluster.START_TIMEOUT);
      }
      String[] clusters = new String[2];
      for (int i = 0; i < 2; i++) {
        clusters[i] = runs[i].lines().stream().filter(l -> l.contains("[Standalone] cluster "))
            .map(l -> l.substring(l.indexOf("[Standalone] cluster ") + 21).trim()).findFirst().orElseThrow();
      }
      assertThat(clusters[0]).as("each run's cluster is named after its store").startsWith("voxrelay-")
          .isNotEqualTo(clusters[1]);
      // Sessions of each run, connected again and again through their own run: always found.
      for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 2; i++) {
          VoiceClient.Created session = VoiceClient.createSession(vertx, ports[i]);
          int run = i;
          try (ReliableClient client = new ReliableClient(vertx, () -> ports[run], session)) {
            for (int attempt = 0; attempt < 3; attempt++) {
              client.connect();
              client.drop();
            }
          }
        }
      }
      for (ServiceProcess run : runs) {
        assertThat(run.lines()).as("no run saw the other's store").noneMatch(l -> l.contains("uses store"));
      }
    } finally {
      for (ServiceProcess run : runs) {
        if (run != null) {
          run.close();
        }
      }
      Await.result(vertx.close());
    }
  }

  @Test
  @DisplayName("a session service on another store than the cluster's refuses to serve, naming both stores")
  void secondStoreRefused() throws IOException {
    try (ProcessCluster cluster = new ProcessCluster("stores", Map.of())) {
      cluster.start("ss-session-a", SessionServiceMain.class);
      Path other = Files.createTempDirectory("voxrelay-other-store");
      ServiceProcess second = ServiceProcess.start("ss-session-b-" + UUID.randomUUID().toString().substring(0, 4),
          SessionServiceMain.class, withDataDir(cluster.env(), other));
      try {
        Await.until("the second session service exits", Duration.ofSeconds(60), () -> !second.isAlive());
        assertThat(second.lines()).as("it names both stores").anyMatch(l -> l.contains("uses store")
            && l.contains(other.toString()) && l.contains(cluster.env().get("VOXRELAY_DATA_DIR")));
        assertThat(second.lines()).noneMatch(l -> l.contains("[voxrelay] ready"));
      } finally {
        second.close();
      }
    }
  }

  private static Map<String, String> withDataDir(Map<String, String> env, Path dir) {
    Map<String, String> changed = new HashMap<>(env);
    changed.put("VOXRELAY_DATA_DIR", dir.toString());
    return changed;
  }
}
