package io.voxrelay.it;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's cost guard, from its own clocks, with no session service and no watchdog running: it closes the
 * upstreams of clients that vanished (no heartbeat), of an idle session and of one past its maximum age, each
 * within its bound, and keeps a heartbeating, speaking session's upstream until then. The guard never needs
 * another process to die: stopping the session service's node here is what an outage looks like to the relay.
 */
@DisplayName("The relay's cost guard")
class RelayGuardTest {

  private static final Map<String, String> ENV = Map.of(
      "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "2000",
      "VOXRELAY_RELAY_GUARD_GRACE_MS", "1000",
      "VOXRELAY_SESSION_IDLE_TIMEOUT_MS", "6000",
      "VOXRELAY_SESSION_MAX_AGE_MS", "12000",
      // Neither the detach grace nor a watchdog may be what closes the upstreams here.
      "VOXRELAY_DETACH_GRACE_MS", "600000");
  private static final HygieneConfig LIMITS = HygieneConfig.fromEnv(new Env(ENV));
  /** Scheduling slack on two busy cores; the bounds themselves are the guard's. */
  private static final long SLACK_MS = 1_000;

  @Test
  @DisplayName("alone, closes vanished, idle and too-old sessions' upstreams within their bounds, and no other")
  void guardWorksAlone() {
    try (Deployment deployment = Deployment.start(ENV, 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient idle = connect(deployment, port, "guard-idle");
      long idleSince = System.nanoTime();
      VoiceClient busy = connect(deployment, port, "guard-busy");
      long busySince = System.nanoTime();
      List<VoiceClient> vanishing = List.of(connect(deployment, port, "guard-gone-0"),
          connect(deployment, port, "guard-gone-1"));
      List<SimulatedSession> abandoned = List.of(deployment.upstream("guard-gone-0"),
          deployment.upstream("guard-gone-1"));
      SimulatedSession idleUpstream = deployment.upstream("guard-idle");
      SimulatedSession busyUpstream = deployment.upstream("guard-busy");
      deployment.stopSessionService(0);

      // Two clients vanish: no heartbeat, no close from their side that any service acts on in time.
      for (VoiceClient gone : vanishing) {
        gone.stopHeartbeats();
        gone.close();
      }
      long vanishedAt = System.nanoTime();
      Await.until("the guard closes both abandoned upstreams within its heartbeat bound",
          Duration.ofMillis(LIMITS.relayGuardBoundMs() + SLACK_MS), () -> {
            speak(busy);
            return abandoned.stream().noneMatch(SimulatedSession::isOpen);
          });
      for (SimulatedSession upstream : abandoned) {
        assertThat(msSince(vanishedAt, upstream.closedAtNanos())).as("closed after the heartbeat timeout")
            .isGreaterThanOrEqualTo(LIMITS.heartbeatTimeoutMs());
      }

      awaitClosedPast("the idle timeout", idleUpstream, idleSince, LIMITS.sessionIdleTimeoutMs(), busy);
      assertThat(busyUpstream.isOpen()).as("a heartbeating, speaking session keeps its upstream").isTrue();
      awaitClosedPast("max age", busyUpstream, busySince, LIMITS.sessionMaxAgeMs(), busy);
      Await.until("the clients are told why", Duration.ofSeconds(5),
          () -> idle.events("error").stream().anyMatch(e -> "idle_timeout".equals(e.path("code").asText()))
              && busy.events("error").stream().anyMatch(e -> "max_age_exceeded".equals(e.path("code").asText())));
      idle.close();
      busy.close();
    }
  }

  /**
   * Waits, the busy client speaking, until the guard closes {@code upstream}; asserts it closed past
   * {@code limitMs} from {@code sinceNanos} and within the guard's grace and one check after it.
   */
  private static void awaitClosedPast(String limit, SimulatedSession upstream, long sinceNanos, long limitMs,
                                      VoiceClient busy) {
    long bound = limitMs + LIMITS.relayGuardGraceMs() + LIMITS.relayGuardIntervalMs();
    Await.until("the upstream past " + limit + " closes", Duration.ofMillis(bound + SLACK_MS), () -> {
      speak(busy);
      return !upstream.isOpen();
    });
    assertThat(msSince(sinceNanos, upstream.closedAtNanos())).as("closed past %s, within one check", limit)
        .isBetween(limitMs, bound + SLACK_MS);
  }

  private static VoiceClient connect(Deployment deployment, int port, String marker) {
    VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port,
        VoiceClient.createSession(deployment.clientVertx(), port, null, marker));
    client.startHeartbeats(300);
    return client;
  }

  /** 200 ms of speech from the busy client, while its socket is open (the guard closes it with the upstream). */
  private static void speak(VoiceClient busy) {
    if (!busy.isClosed()) {
      try {
        busy.streamAudio(SpeechLikeAudio.speech(200), 0);
      } catch (AssertionError closedMeanwhile) {
        if (!busy.isClosed()) {
          throw closedMeanwhile;
        }
      }
    }
    Await.sleep(200);
  }

  private static long msSince(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1_000_000;
  }
}
