package io.voxrelay.it;

import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.standalone.Standalone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission by key, never by address, as processes start: a run that would be reachable beyond this machine
 * without a key set on purpose does not start, and says what to set.
 */
@DisplayName("Admin by key: what a process refuses to start without")
class AdminByKeyProcessTest {

  private static final Duration EXIT = Duration.ofSeconds(60);

  @Test
  @DisplayName("a standalone run bound beyond loopback with no VOXRELAY_API_KEY exits 2, naming the setting")
  void standaloneBeyondLoopbackNeedsAKey() throws IOException {
    try (ServiceProcess process = ServiceProcess.start("standalone-no-key", Standalone.class, Map.of(
        "VOXRELAY_HTTP_HOST", "0.0.0.0",
        "VOXRELAY_HTTP_PORT", String.valueOf(ProcessCluster.freePort()),
        "VOXRELAY_MANAGEMENT_PORT", "0",
        "VOXRELAY_DATA_DIR", Files.createTempDirectory("voxrelay-no-key").toString(),
        "VOXRELAY_CLUSTER_NAME", "voxrelay-no-key-" + UUID.randomUUID()))) {
      assertThat(process.awaitExit(EXIT)).isEqualTo(2);
      assertThat(String.join("\n", process.lines())).contains("VOXRELAY_API_KEY").contains("0.0.0.0");
    }
  }

  @Test
  @DisplayName("a gateway process with no VOXRELAY_API_KEY exits 2 before joining the cluster, naming the setting")
  void gatewayNeedsAKey() throws IOException {
    try (ServiceProcess process = ServiceProcess.start("gateway-no-key", GatewayServiceMain.class, Map.of(
        "VOXRELAY_HTTP_PORT", String.valueOf(ProcessCluster.freePort()),
        "VOXRELAY_CLUSTER_NAME", "voxrelay-no-key-" + UUID.randomUUID()))) {
      assertThat(process.awaitExit(EXIT)).isEqualTo(2);
      assertThat(String.join("\n", process.lines())).contains("VOXRELAY_API_KEY is required");
    }
  }
}
