package io.voxrelay.it;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every instance of every service (two of each) is stopped cleanly and started again, one at a time, while 20
 * sessions talk. A stopping relay hands its sessions to the other one; a stopping gateway closes its clients
 * with 1012 once their events are stored, and they reconnect to the other; a stopping session service lets its
 * requests finish first. No session is stranded and nothing is lost. A clean stop needs no process boundary:
 * each instance is a clustered node of this JVM (the chaos suite stops processes, under more faults).
 */
@DisplayName("A rolling restart of every service under 20 live sessions")
class RollingRestartTest {

  private static final int SESSIONS = 20;
  private static final List<String> ORDER = List.of("session", "watchdog", "relay", "gateway");

  @Test
  @DisplayName("strands no session: each ends connected, on its question, with its whole history and no gap")
  void rollingRestart() {
    try (Deployment deployment = Deployment.start(Map.of("VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", "5"), 0, 0, 0, 0)) {
      int[] ports = {ProcessCluster.freePort(), ProcessCluster.freePort()};
      AtomicIntegerArray gatewayUp = new AtomicIntegerArray(new int[] {1, 1});
      Map<String, Vertx> running = new HashMap<>();
      for (String service : ORDER) {
        for (int i = 0; i < 2; i++) {
          running.put(service + i, startOne(deployment, service, i, ports));
        }
      }
      List<ScriptedSession> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          int home = i % 2;
          sessions.add(ScriptedSession.start(deployment.clientVertx(), ports[home],
              () -> gatewayUp.get(home) == 1 ? ports[home] : ports[1 - home], "rolling-session-" + i + "-"));
        }
        ScriptedSession.talk(sessions, "before", false);
        for (String service : ORDER) {
          for (int i = 0; i < 2; i++) {
            String name = service + i;
            if ("gateway".equals(service)) {
              gatewayUp.set(i, 0);
            }
            ScriptedSession.talk(sessions, "as " + name + " stops", true);
            deployment.stop(running.remove(name));
            ScriptedSession.talk(sessions, "while " + name + " is down", false);
            running.put(name, startOne(deployment, service, i, ports));
            if ("gateway".equals(service)) {
              gatewayUp.set(i, 1);
            }
            ScriptedSession.talk(sessions, "after " + name + " restarted", false);
          }
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
          s.assertTypedTurnsCarriedOutOnce(deployment.simulator);
          s.assertOneLiveUpstream(deployment.simulator);
        }
        assertThat(sessions.stream().filter(s -> s.processed("upstream.restored").stream()
            .anyMatch(e -> "relay_handoff".equals(e.path("reason").asText()))))
            .as("the sessions of the stopped relays were handed over, and told").isNotEmpty();
      } finally {
        sessions.forEach(ScriptedSession::close);
      }
    }
  }

  /** Starts instance {@code index} of {@code service}: a gateway on its own port, the others anywhere. */
  private static Vertx startOne(Deployment deployment, String service, int index, int[] ports) {
    switch (service) {
      case "gateway" -> {
        return deployment.startGateway(ports[index]);
      }
      case "session" -> deployment.startServices(1, 0, 0, 0);
      case "relay" -> deployment.startServices(0, 1, 0, 0);
      case "watchdog" -> deployment.startServices(0, 0, 1, 0);
      default -> throw new IllegalArgumentException(service);
    }
    List<Vertx> nodes = switch (service) {
      case "session" -> deployment.sessionNodes;
      case "relay" -> deployment.relayNodes;
      default -> deployment.watchdogNodes;
    };
    return nodes.get(nodes.size() - 1);
  }
}
