package io.voxrelay.it;

import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.session.TestPostgres;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.ManagementPort;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A session-service process whose database goes away is not ready, and says why. */
@Tag("full")
@DisplayName("A session service's readiness")
class StoreReadinessTest {

  @Test
  @DisplayName("is UP with its PostgreSQL, and DOWN (store unreachable) once the database is gone")
  void downWithoutItsStore() throws Exception {
    TestPostgres postgres = TestPostgres.start();
    boolean stopped = false;
    try (ServiceProcess session = ServiceProcess.start("readiness-session", SessionServiceMain.class, Map.of(
        "VOXRELAY_STORE", "postgres",
        "VOXRELAY_DB_URL", postgres.jdbcUrl(),
        "VOXRELAY_CLUSTER_NAME", "voxrelay-readiness-" + UUID.randomUUID()))) {
      session.awaitReady(ProcessCluster.START_TIMEOUT);
      int port = session.managementPort();
      HttpResponse<String> ready = get(port);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"store\"").contains("\"cluster\"");

      postgres.close();
      stopped = true;
      Await.until("readiness DOWN without the database", Duration.ofSeconds(60), () -> get(port).statusCode() == 503);
      HttpResponse<String> down = get(port);
      assertThat(down.body()).contains("\"id\":\"store\",\"status\":\"DOWN\"");
      assertThat(get(port, "/health/live").statusCode()).as("still live: nothing a restart would fix").isEqualTo(200);
    } finally {
      if (!stopped) {
        postgres.close();
      }
    }
  }

  private static HttpResponse<String> get(int port) {
    return get(port, "/health/ready");
  }

  private static HttpResponse<String> get(int port, String path) {
    return ManagementPort.get(port, path);
  }
}
