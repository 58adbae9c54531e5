package io.voxrelay.it;

import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.watchdog.WatchdogServiceMain;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every instance of every service (two of each) is stopped cleanly and started again, one at a time, while 20
 * sessions talk. A stopping relay hands its sessions to the other one; a stopping gateway closes its clients
 * with 1012 once their events are stored, and they reconnect to the other; a stopping session service lets its
 * requests finish first. No session is stranded and nothing is lost.
 */
@DisplayName("A rolling restart of every service under 20 live sessions")
class RollingRestartTest {

  private static final int SESSIONS = 20;

  @Test
  @DisplayName("strands no session: each ends connected, on its question, with its whole history and no gap")
  void rollingRestart() {
    try (ProcessCluster cluster = new ProcessCluster("rolling", Map.of("VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", "5"))) {
      int[] ports = {cluster.httpPort, ProcessCluster.freePort()};
      AtomicIntegerArray gatewayUp = new AtomicIntegerArray(new int[] {1, 1});
      Map<String, Class<?>> mains = Map.of("session", SessionServiceMain.class, "watchdog", WatchdogServiceMain.class,
          "relay", RelayServiceMain.class, "gateway", GatewayServiceMain.class);
      List<String> order = List.of("session", "watchdog", "relay", "gateway");
      Map<String, ServiceProcess> running = new java.util.HashMap<>();
      for (String service : order) {
        for (int i = 0; i < 2; i++) {
          running.put(service + i, startOne(cluster, service, i, 0, mains.get(service), ports));
        }
      }
      List<ScriptedSession> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          int home = i % 2;
          sessions.add(ScriptedSession.start(cluster.vertx, ports[home],
              () -> gatewayUp.get(home) == 1 ? ports[home] : ports[1 - home], "rolling-session-" + i + "-"));
        }
        ScriptedSession.talk(sessions, "before", false);
        int generation = 1;
        for (String service : order) {
          for (int i = 0; i < 2; i++) {
            String name = service + i;
            if ("gateway".equals(service)) {
              gatewayUp.set(i, 0);
            }
            ScriptedSession.talk(sessions, "as " + name + " stops", true);
            running.remove(name).close();
            ScriptedSession.talk(sessions, "while " + name + " is down", false);
            running.put(name, startOne(cluster, service, i, generation, mains.get(service), ports));
            if ("gateway".equals(service)) {
              gatewayUp.set(i, 1);
            }
            ScriptedSession.talk(sessions, "after " + name + " restarted", false);
          }
          generation++;
        }
        for (ScriptedSession s : sessions) {
          s.reconnectIfNeeded();
          s.awaitEchoes();
        }
        for (ScriptedSession s : sessions) {
          assertThat(s.client.isConnected()).as("%s ends connected", s.marker).isTrue();
          assertThat(s.client.lastConnected().path("currentQuestionIndex").asInt()).as("%s: on its question", s.marker)
              .isZero();
          assertThat(s.client.lastConnected().path("awaitingResume").asBoolean())
              .as("%s: not stranded awaiting resume", s.marker).isFalse();
          s.assertClientSawEachEventOnce();
          s.assertTypedTurnsCarriedOutOnce(cluster.simulator);
          s.assertOneLiveUpstream(cluster.simulator);
        }
        assertThat(sessions.stream().filter(s -> s.processed("upstream.restored").stream()
            .anyMatch(e -> "relay_handoff".equals(e.path("reason").asText()))))
            .as("the sessions of the stopped relays were handed over, and told").isNotEmpty();
      } finally {
        sessions.forEach(ScriptedSession::close);
      }
    }
  }

  private static ServiceProcess startOne(ProcessCluster cluster, String service, int index, int generation,
                                         Class<?> main, int[] ports) {
    String name = "rr-" + service + "-" + index + (generation == 0 ? "" : "-gen" + generation);
    return "gateway".equals(service)
        ? cluster.start(name, main, Map.of("VOXRELAY_HTTP_PORT", String.valueOf(ports[index])))
        : cluster.start(name, main);
  }
}
