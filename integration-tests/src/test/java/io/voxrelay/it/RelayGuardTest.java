package io.voxrelay.it;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The relay's cost guard")
class RelayGuardTest {

  @Test
  @DisplayName("closes the upstreams of vanished clients within its bound while the session service and watchdog are dead")
  void guardWorksAlone() {
    try (ProcessCluster cluster = new ProcessCluster("guard", Map.of(
        "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "2000",
        "VOXRELAY_RELAY_GUARD_GRACE_MS", "1000",
        // Neither the detach grace nor the watchdog may be what closes the upstreams here.
        "VOXRELAY_DETACH_GRACE_MS", "600000",
        "VOXRELAY_WATCHDOG_INTERVAL_MS", "600000"))) {
      guardWorksAlone(cluster);
    }
  }

  private static void guardWorksAlone(ProcessCluster cluster) {
    Vertx vertx = cluster.vertx;
    UpstreamSimulator simulator = cluster.simulator;
    int httpPort = cluster.httpPort;
    long bound = HygieneConfig.fromEnv(new Env(cluster.env())).relayGuardBoundMs();
    ServiceProcess sessionService = cluster.start("guard-session-service", SessionServiceMain.class);
    ServiceProcess relay = cluster.start("guard-relay-service", RelayServiceMain.class);
    ServiceProcess watchdog = cluster.start("guard-watchdog-service", WatchdogServiceMain.class);
    cluster.start("guard-gateway-service", GatewayServiceMain.class);

    List<VoiceClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      VoiceClient client = VoiceClient.connect(vertx, httpPort, VoiceClient.createSession(vertx, httpPort));
      client.startHeartbeats(300);
      InterviewSessionTest.voiceTurn(client);
      clients.add(client);
    }
    List<SimulatedSession> upstreams = simulator.openSessions();
    assertThat(upstreams).hasSize(3);
    // Sessions were opened in order, one at a time: the last upstream belongs to the last client.
    SimulatedSession keptAlive = upstreams.get(2);
    List<SimulatedSession> abandoned = upstreams.subList(0, 2);

    sessionService.kill();
    watchdog.kill();
    // Two clients vanish: no heartbeat, no close from their side that any service would act on in time.
    for (VoiceClient gone : clients.subList(0, 2)) {
      gone.stopHeartbeats();
      gone.close();
    }
    long vanishedAt = System.nanoTime();

    Await.until("the relay's guard closes both abandoned upstreams within " + bound + " ms (plus slack)",
        Duration.ofMillis(bound + 5_000), () -> abandoned.stream().noneMatch(SimulatedSession::isOpen));
    assertThat(relay.lines()).anyMatch(l -> l.contains("cost guard: closing upstream"));
    // The third client still heartbeats (through the gateway, straight to the relay): it keeps its upstream.
    Await.sleep(Math.max(0, bound + 1_000 - (System.nanoTime() - vanishedAt) / 1_000_000));
    assertThat(keptAlive.isOpen()).as("an upstream whose client heartbeats stays open past the bound").isTrue();
    clients.get(2).close();
  }
}
