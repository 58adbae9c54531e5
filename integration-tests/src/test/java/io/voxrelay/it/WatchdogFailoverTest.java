package io.voxrelay.it;

import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("full")
@DisplayName("Two watchdog processes")
class WatchdogFailoverTest {

  private static final Map<String, String> LIMITS = Map.of(
      "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "1500",
      "VOXRELAY_WATCHDOG_INTERVAL_MS", "200",
      "VOXRELAY_RELAY_GUARD_GRACE_MS", "60000",
      "VOXRELAY_DETACH_GRACE_MS", "60000");
  private final List<ServiceProcess> watchdogs = new ArrayList<>();
  private Deployment deployment;

  @AfterEach
  void stop() {
    watchdogs.forEach(ServiceProcess::close);
    if (deployment != null) {
      deployment.close();
    }
  }

  private record Silent(VoiceClient client, String sessionId, SimulatedSession upstream) {
  }

  /** Clients that connect and then never send a heartbeat. */
  private List<Silent> silentClients(int count) {
    List<Silent> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int before = deployment.simulator.sessions().size();
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
      VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session);
      clients.add(new Silent(client, session.sessionId(), InterviewSessionTest.upstreamOf(deployment, before)));
    }
    return clients;
  }

  private long terminationLogLines(String sessionId) {
    return watchdogs.stream().flatMap(w -> w.lines().stream())
        .filter(l -> l.contains("[SessionWatchdog] Terminating session " + sessionId + ":")).count();
  }

  @Test
  @DisplayName("terminate each expired session exactly once, and the survivor still sweeps after one is killed")
  void exactlyOnceAndFailover() throws IOException {
    deployment = Deployment.start(LIMITS, 1, 1, 0, 1);
    Map<String, String> env = new java.util.HashMap<>(LIMITS);
    env.put("VOXRELAY_CLUSTER_NAME", deployment.cluster.name());
    for (int i = 0; i < 2; i++) {
      ServiceProcess watchdog = ServiceProcess.start("watchdog-" + i, WatchdogServiceMain.class, env);
      watchdogs.add(watchdog);
      watchdog.awaitReady(Duration.ofSeconds(90));
    }

    List<Silent> first = silentClients(4);
    for (Silent s : first) {
      HygieneTest.assertTerminated(deployment, s.client(), s.sessionId(), s.upstream(),
          TerminationReason.HEARTBEAT_TIMEOUT);
    }
    Await.until("every termination is logged", Duration.ofSeconds(10),
        () -> first.stream().allMatch(s -> terminationLogLines(s.sessionId()) >= 1));
    Await.sleep(1_000);
    for (Silent s : first) {
      assertThat(terminationLogLines(s.sessionId())).as("terminations of %s across both watchdogs", s.sessionId())
          .isEqualTo(1);
    }
    assertThat(watchdogs).allMatch(w -> w.lines().stream().anyMatch(l -> l.contains("[SessionWatchdog] Started")));

    watchdogs.get(0).kill();
    List<Silent> second = silentClients(3);
    for (Silent s : second) {
      HygieneTest.assertTerminated(deployment, s.client(), s.sessionId(), s.upstream(),
          TerminationReason.HEARTBEAT_TIMEOUT);
    }
    Await.until("the survivor logged them", Duration.ofSeconds(10),
        () -> second.stream().allMatch(s -> watchdogs.get(1).lines().stream()
            .anyMatch(l -> l.contains("Terminating session " + s.sessionId() + ":"))));
    first.forEach(s -> s.client().close());
    second.forEach(s -> s.client().close());
  }
}
