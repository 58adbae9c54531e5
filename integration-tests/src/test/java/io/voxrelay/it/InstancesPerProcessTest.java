package io.voxrelay.it;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.gateway.GatewayVerticle;
import io.voxrelay.relay.RelayVerticle;
import io.voxrelay.session.SessionVerticle;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several gateway and relay instances in one process (one per event loop by default): sessions spread over
 * them, each works end to end, and the per-process limits hold for the process, not per instance.
 */
class InstancesPerProcessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int INSTANCES = 3;
  private static final int SESSIONS = 24;

  @Test
  @DisplayName("three gateway and three relay instances on one node: sessions spread, all answer; the hello "
      + "limit and the session maximum hold per process")
  void instancesShareOnlyPerProcessLimits() throws Exception {
    Env env = new Env(Map.of("VOXRELAY_DATA_DIR", Files.createTempDirectory("voxrelay-it").toString(),
        "VOXRELAY_HELLO_FAILURE_LIMIT", "4", "VOXRELAY_RELAY_MAX_SESSIONS", "60",
        "VOXRELAY_API_KEY", Deployment.API_KEY));
    Vertx simulatorVertx = Vertx.vertx();
    try (TestCluster cluster = new TestCluster()) {
      UpstreamSimulator simulator = new UpstreamSimulator(SimulatorConfig.defaults());
      Await.result(simulatorVertx.deployVerticle(simulator));
      Vertx node = cluster.node();
      Await.result(node.deployVerticle(new SessionVerticle(StoreConfig.fromEnv(env))));
      List<RelayVerticle> relays = new CopyOnWriteArrayList<>();
      var relayInstances = RelayVerticle.instances(RelayConfig.fromEnv(env).withUpstreamUrl(simulator.url()),
          HygieneConfig.fromEnv(env), io.voxrelay.common.config.ToolConfig.off(), INSTANCES);
      Await.result(node.deployVerticle(() -> {
        RelayVerticle relay = relayInstances.get();
        relays.add(relay);
        return relay;
      }, new DeploymentOptions().setInstances(INSTANCES)));
      List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
      var gatewayInstances = GatewayVerticle.instances(GatewayConfig.fromEnv(env).withHttpPort(0));
      Await.result(node.deployVerticle(() -> {
        GatewayVerticle gateway = gatewayInstances.get();
        gateways.add(gateway);
        return gateway;
      }, new DeploymentOptions().setInstances(INSTANCES)));
      int port = gateways.get(0).actualPort();
      assertThat(gateways).extracting(GatewayVerticle::actualPort).containsOnly(port);

      List<VoiceClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          VoiceClient.Created session = VoiceClient.createSession(simulatorVertx, port);
          clients.add(VoiceClient.connect(simulatorVertx, port, session));
        }
        for (int i = 0; i < clients.size(); i++) {
          clients.get(i).send("{\"type\":\"text\",\"text\":\"turn " + i + "\"}");
        }
        for (VoiceClient client : clients) {
          Await.until("an answer", TIMEOUT, () -> InterviewSessionTest.answers(client) >= 1);
        }
        assertThat(relays).as("every relay instance holds some sessions")
            .allSatisfy(relay -> assertThat(relay.liveSessions()).isPositive());
        assertThat(relays.stream().mapToInt(RelayVerticle::liveSessions).sum()).isEqualTo(SESSIONS);

        // Failed hellos land on different gateway instances; the limit counts them for the process.
        VoiceClient.Created target = VoiceClient.createSession(simulatorVertx, port);
        for (int i = 0; i < 4; i++) {
          try (VoiceClient bad = VoiceClient.open(simulatorVertx, port, target.sessionId())) {
            bad.send("{\"type\":\"hello\",\"token\":\"guess-" + i + "\"}");
            assertThat(bad.awaitClose(TIMEOUT)).isEqualTo(CloseCode.UNAUTHORIZED.code());
          }
        }
        for (int i = 0; i < INSTANCES; i++) {
          try (VoiceClient limited = VoiceClient.open(simulatorVertx, port, target.sessionId())) {
            limited.send("{\"type\":\"hello\",\"token\":\"" + target.token() + "\"}");
            assertThat(limited.awaitClose(TIMEOUT)).as("refused on every instance")
                .isEqualTo(CloseCode.TOO_MANY_ATTEMPTS.code());
          }
        }
      } finally {
        clients.forEach(VoiceClient::close);
      }
      assertThat(RelayConfig.fromEnv(env).perInstance(INSTANCES).maxSessions()).as("60 over 3 relay instances")
          .isEqualTo(20);
    } finally {
      Await.result(simulatorVertx.close());
    }
  }
}
