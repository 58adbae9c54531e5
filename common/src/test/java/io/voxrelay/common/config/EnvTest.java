package io.voxrelay.common.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Configuration from environment variables")
class EnvTest {

  @Test
  @DisplayName("defaults apply when variables are absent or blank")
  void defaults() {
    GatewayConfig gateway = GatewayConfig.fromEnv(new Env(Map.of("VOXRELAY_HTTP_PORT", " ")));
    assertThat(gateway.httpPort()).isEqualTo(8080);
    assertThat(gateway.apiKey()).isEmpty();
    assertThat(gateway.httpHost()).as("this machine only, unless told").isEqualTo("127.0.0.1");
    assertThatThrownBy(gateway::requiredApiKey).hasMessageContaining("VOXRELAY_API_KEY is required");
    HygieneConfig hygiene = HygieneConfig.fromEnv(new Env(Map.of()));
    assertThat(hygiene).isEqualTo(new HygieneConfig(30_000, 90_000, 300_000, 3_600_000, 30_000, 30_000));
    assertThat(hygiene.relayGuardBoundMs()).isEqualTo(90_000 + 30_000 + 5_000);
    ClusterConfig cluster = ClusterConfig.fromEnv(new Env(Map.of()));
    assertThat(cluster.host()).isEqualTo("127.0.0.1");
    assertThat(cluster.members()).containsExactly("127.0.0.1:5701-5720");
  }

  @Test
  @DisplayName("values are read and typed")
  void values() {
    Env env = new Env(Map.of("VOXRELAY_HTTP_PORT", "9090", "VOXRELAY_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701,",
        "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "1500", "VOXRELAY_UPSTREAM_URL", "ws://sim/v1/realtime"));
    assertThat(GatewayConfig.fromEnv(env).httpPort()).isEqualTo(9090);
    assertThat(ClusterConfig.fromEnv(env).members()).isEqualTo(List.of("10.0.0.1:5701", "10.0.0.2:5701"));
    assertThat(HygieneConfig.fromEnv(env).heartbeatTimeoutMs()).isEqualTo(1500);
    assertThat(RelayConfig.fromEnv(env).upstream().url()).isEqualTo("ws://sim/v1/realtime");
  }

  @Test
  @DisplayName("a bad value fails start-up naming the variable")
  void badValues() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("VOXRELAY_HTTP_PORT", "eighty"))))
        .hasMessageContaining("VOXRELAY_HTTP_PORT");
    assertThatThrownBy(() -> HygieneConfig.fromEnv(new Env(Map.of("VOXRELAY_SESSION_IDLE_TIMEOUT_MS", "-5"))))
        .hasMessageContaining("VOXRELAY_SESSION_IDLE_TIMEOUT_MS");
  }

  @Test
  @DisplayName("keys never show in a logged config record")
  void secretsStayHidden() {
    RelayConfig relay = RelayConfig.fromEnv(new Env(Map.of("OPENAI_API_KEY", "sk-very-secret")));
    assertThat(relay.upstream().key()).map(Secret::reveal).contains("sk-very-secret");
    assertThat(relay.toString()).doesNotContain("sk-very-secret");
    GatewayConfig gateway = GatewayConfig.fromEnv(new Env(Map.of("VOXRELAY_API_KEY", "gw-secret")));
    assertThat(gateway.toString()).doesNotContain("gw-secret");
  }
}
