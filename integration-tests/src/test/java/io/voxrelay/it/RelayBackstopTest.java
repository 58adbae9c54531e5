package io.voxrelay.it;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay enforces the idle and max-age limits on its own upstreams, from its own clocks, as a backstop:
 * with no watchdog and no session service running, a heartbeating but idle session, and a busy one past its
 * maximum age, each lose their upstream within the guard's bound.
 */
@DisplayName("The relay's backstop for idle and max age")
class RelayBackstopTest {

  @Test
  @DisplayName("closes an idle upstream and one past max age, with no watchdog or session service running")
  void idleAndMaxAge() {
    Map<String, String> env = Map.of(
        "VOXRELAY_SESSION_IDLE_TIMEOUT_MS", "3000",
        "VOXRELAY_SESSION_MAX_AGE_MS", "9000",
        "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "8000",
        "VOXRELAY_RELAY_GUARD_GRACE_MS", "1000",
        "VOXRELAY_DETACH_GRACE_MS", "600000");
    HygieneConfig limits = HygieneConfig.fromEnv(new Env(env));
    try (ProcessCluster cluster = new ProcessCluster("backstop", env)) {
      ServiceProcess sessionService = cluster.start("bs-session-service", SessionServiceMain.class);
      ServiceProcess relay = cluster.start("bs-relay", RelayServiceMain.class);
      cluster.start("bs-gateway", GatewayServiceMain.class);

      VoiceClient idle = VoiceClient.connect(cluster.vertx, cluster.httpPort,
          VoiceClient.createSession(cluster.vertx, cluster.httpPort, null, "backstop-idle"));
      VoiceClient busy = VoiceClient.connect(cluster.vertx, cluster.httpPort,
          VoiceClient.createSession(cluster.vertx, cluster.httpPort, null, "backstop-busy"));
      idle.startHeartbeats(300);
      busy.startHeartbeats(300);
      long busyCreated = System.nanoTime();
      sessionService.kill();
      SimulatedSession idleUpstream = upstream(cluster, "backstop-idle");
      SimulatedSession busyUpstream = upstream(cluster, "backstop-busy");

      long idleBound = limits.sessionIdleTimeoutMs() + limits.relayGuardGraceMs() + limits.relayGuardIntervalMs();
      Await.until("the idle upstream closes", Duration.ofMillis(idleBound + 3_000), () -> {
        busy.streamAudio(SpeechLikeAudio.speech(200), 0);
        Await.sleep(200);
        return !idleUpstream.isOpen();
      });
      assertThat(busyUpstream.isOpen()).as("the busy session is not idle").isTrue();
      long ageBound = limits.sessionMaxAgeMs() + limits.relayGuardGraceMs() + limits.relayGuardIntervalMs();
      Await.until("the upstream past max age closes", Duration.ofMillis(ageBound + 3_000), () -> {
        // The guard closes the client's socket and the upstream together: audio only while the socket is open.
        try {
          busy.streamAudio(SpeechLikeAudio.speech(200), 0);
        } catch (AssertionError closedMeanwhile) {
          if (!busy.isClosed()) {
            throw closedMeanwhile;
          }
        }
        Await.sleep(200);
        return !busyUpstream.isOpen();
      });
      long ageAtClose = (busyUpstream.closedAtNanos() - busyCreated) / 1_000_000;
      assertThat(ageAtClose).as("closed past max age plus the grace, within one check").isBetween(
          limits.sessionMaxAgeMs(), ageBound + 1_000);

      assertThat(relay.lines()).anyMatch(l -> l.contains("cost guard: closing upstream") && l.contains("idle_timeout"));
      assertThat(relay.lines()).anyMatch(l -> l.contains("cost guard: closing upstream")
          && l.contains("max_age_exceeded"));
      assertThat(idle.events("error")).anyMatch(e -> "idle_timeout".equals(e.path("code").asText()));
      assertThat(busy.events("error")).anyMatch(e -> "max_age_exceeded".equals(e.path("code").asText()));
      idle.close();
      busy.close();
    }
  }

  private static SimulatedSession upstream(ProcessCluster cluster, String marker) {
    return Await.value(marker + "'s upstream", Duration.ofSeconds(10), () -> cluster.simulator.sessions().stream()
        .filter(s -> s.instructions() != null && s.instructions().startsWith(marker)).findFirst().orElse(null));
  }
}
