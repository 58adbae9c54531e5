package io.voxrelay.it;

import io.voxrelay.common.cluster.StallExit;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay holding 20 live sessions is frozen (SIGSTOP) and let go on (SIGCONT), twice: for 8 s (past the
 * 5 s bus timeout, under the 10 s cluster failure timeout) and for 20 s (the cluster removes it, its sessions
 * move to the other relay, and as it runs again it exits, code 75, for its supervisor to start it afresh). Checked
 * from outside: upstream overlaps at the simulator, each typed turn carried out once, and each event and item
 * once at the clients.
 */
@Tag("full")
@DisplayName("A stalled relay (SIGSTOP, then SIGCONT)")
class StalledRelayTest {

  private static final int SESSIONS = 20;
  /** How soon after it runs again a relay that lost its sessions has closed their upstreams, at most. */
  static final Duration OVERLAP_AFTER_RESUME = Duration.ofSeconds(3);

  @Test
  @DisplayName("8 s, within its lease: nothing moves, nothing doubles; 20 s: the sessions move once, the old upstreams close as it resumes")
  void stalls() {
    // A lease of 10 s: the short stall is past the bus timeout but within the lease, so only the long one moves
    // the sessions (a relay's lease, not a timeout, decides; with the default 3 s lease, 8 s would move them).
    try (ProcessCluster cluster = new ProcessCluster("stall", Map.of("VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", "10",
        "VOXRELAY_CLUSTER_MERGE_DELAY_S", "5", "VOXRELAY_RELAY_LEASE_TTL_MS", "10000"))) {
      cluster.start("st-session-service", SessionServiceMain.class);
      cluster.start("st-watchdog-service", WatchdogServiceMain.class);
      ServiceProcess relayA = cluster.start("st-relay-a", RelayServiceMain.class);
      cluster.start("st-gateway", GatewayServiceMain.class);
      List<ScriptedSession> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          sessions.add(ScriptedSession.start(cluster.vertx, cluster.httpPort, () -> cluster.httpPort,
              "stall-session-" + i + "-"));
        }
        // Every session is on relay A; B only starts now.
        cluster.start("st-relay-b", RelayServiceMain.class);
        ScriptedSession.talk(sessions, "before", false);

        // 8 s: longer than the bus timeout, shorter than the lease (and the failure timeout).
        long before8 = System.nanoTime();
        ScriptedSession.talk(sessions, "into the short stall", true);
        relayA.stall();
        Await.sleep(8_000);
        relayA.resume();
        // The stalled relay counts its own lease out sooner (less the margin, from when it sent the renewal): it
        // may refuse controls until a renewal sent after the stall is granted, a moment later; the turns after the
        // stall come after that moment.
        Await.sleep(1_000);
        ScriptedSession.talk(sessions, "after the short stall", false);
        for (ScriptedSession s : sessions) {
          assertThat(s.overlapNanos(cluster.simulator, before8)).as("%s: no second upstream for a short stall",
              s.marker).isZero();
          assertThat(s.upstreams(cluster.simulator)).as("%s: still its first upstream", s.marker).hasSize(1);
        }

        // 20 s: relay A's lease runs out and its sessions move to B; the cluster removes A, which runs again, acts
        // on none, and exits.
        ScriptedSession.talk(sessions, "into the long stall", true);
        relayA.stall();
        Await.sleep(20_000);
        long resumedAt = System.nanoTime();
        relayA.resume();
        Await.until("relay A closed the upstreams it lost", Duration.ofSeconds(30),
            () -> sessions.stream().allMatch(s -> s.upstreams(cluster.simulator).stream().filter(u -> u.isOpen())
                .count() == 1));
        ScriptedSession.talk(sessions, "after the long stall", false);

        long worstOverlapEnd = 0;
        for (ScriptedSession s : sessions) {
          s.awaitEchoes();
        }
        Await.sleep(1_000);
        for (ScriptedSession s : sessions) {
          worstOverlapEnd = Math.max(worstOverlapEnd, s.lastOverlapEndNanos(cluster.simulator));
          s.assertOneLiveUpstream(cluster.simulator);
          s.assertClientSawEachEventOnce();
          s.assertTypedTurnsCarriedOutOnce(cluster.simulator);
        }
        long afterResume = Math.max(0, worstOverlapEnd - resumedAt);
        System.out.printf("[stall] longest overlap past SIGCONT: %d ms%n", afterResume / 1_000_000);
        assertThat(Duration.ofNanos(afterResume)).as("upstreams of the stalled relay close as soon as it runs again")
            .isLessThanOrEqualTo(OVERLAP_AFTER_RESUME);
        assertThat(relayA.awaitExit(Duration.ofSeconds(10))).as("relay A exits after its long stall")
            .isEqualTo(StallExit.EXIT_CODE);
        assertThat(relayA.lines()).anyMatch(l -> l.contains("was stalled for") && l.contains("exits (code 75)"));
        assertThat(sessions.stream().filter(s -> !s.processed("upstream.restored").isEmpty()))
            .as("the sessions moved off relay A were told").hasSize(SESSIONS);
      } finally {
        sessions.forEach(ScriptedSession::close);
      }
    }
  }
}
