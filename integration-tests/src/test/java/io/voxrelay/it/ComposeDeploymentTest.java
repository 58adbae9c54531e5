package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.ManagementPort;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose deployment ({@code deploy/compose.yaml}) for real, in podman containers: run by
 * {@code deploy/test.sh} after it has built the images ({@code -Dvoxrelay.compose=true}). Scripted sessions
 * go through the load balancer the whole time, and each step is checked by them: every session's turn after
 * it is carried out, and at the end every client saw each sequenced event exactly once.
 */
@EnabledIfSystemProperty(named = "voxrelay.compose", matches = "true")
@DisplayName("The compose deployment")
class ComposeDeploymentTest {

  private static final int SESSIONS = Integer.getInteger("voxrelay.compose.sessions", 20);
  private static final Duration READY = Duration.ofMinutes(3);
  /** The cluster's failure timeout in this test (5 s), the gateways' once-a-second probe, and an upstream connect. */
  private static final long RECOVERY_MS = 10_000;
  private static final List<String> SERVICES = List.of("session", "relay", "watchdog", "gateway");

  private HttpClient http;
  private final Map<String, Long> stepMillis = new java.util.LinkedHashMap<>();

  @Test
  @DisplayName("scales, survives a gateway kill, a relay kill, a relay's SIGTERM and a rolling restart, losing nothing")
  void deployment() throws Exception {
    int port = ProcessCluster.freePort();
    Path composeFile = Path.of("..", "deploy", "compose.yaml").toAbsolutePath().normalize();
    // The deployment requires an API key: the test's backend (ScriptedSession) holds it; the demo's example
    // backend holds it too, and the page never does.
    Map<String, String> env = new HashMap<>(Map.of("VOXRELAY_PORT", String.valueOf(port),
        "VOXRELAY_CLUSTER_NAME", "voxrelay-compose-test", "VOXRELAY_API_KEY", Deployment.API_KEY));
    Path certificates = Path.of("target", "compose").toAbsolutePath();
    env.putAll(DeploymentCertificates.cluster(certificates.resolve("cluster-tls")));
    env.putAll(DeploymentCertificates.publicAndDatabase(certificates.resolve("tls")));
    // The public port speaks TLS only: every client of this test trusts the test's certificate, and checks it
    // names the address it connects to.
    Path lbCertificate = DeploymentCertificates.publicCertificate(certificates.resolve("tls"));
    http = HttpClient.newBuilder().sslContext(DeploymentCertificates.trusting(lbCertificate)).build();
    TlsPorts.register(port, lbCertificate);
    Vertx vertx = Vertx.vertx();
    List<ScriptedSession> sessions = new ArrayList<>();
    ChaosDriver driver = null;
    try (Compose compose = new Compose("voxrelaytest", composeFile, env)) {
      long t0 = System.currentTimeMillis();
      // One of each first, then the second of each. Eight service JVMs cold-starting at once on two cores
      // delayed Hazelcast's heartbeats by seconds ("Ignoring heartbeat ... since it is expired"), and one member
      // then kept a partition marked migrating for over two minutes: the last member's join (a put of its node
      // info) was refused "Partition is migrating!" until it timed out. That is cluster formation under CPU
      // starvation, not the failover this test is about; docs/testing.md has it.
      compose.up(override(1, 1));
      for (String service : SERVICES) {
        compose.awaitReady(compose.containers(service).get(0), READY);
      }
      compose.up(override(2));
      for (String service : SERVICES) {
        List<String> containers = compose.containers(service);
        assertThat(containers).as(service + " replicas").hasSize(2);
        containers.forEach(c -> compose.awaitReady(c, READY));
      }
      Await.until("the load balancer serves the gateways", READY, () -> status(port, "/health") == 200);
      assertThat(plainStatus(port, "/health")).as("plain HTTP on the public port").isEqualTo(-1);
      step("up and ready", t0);

      // The demo through the load balancer, as a browser loads it: the page, the client, and a session from the
      // example backend, with no key in the page. Without the key, no caller gets in, from any host.
      assertThat(status(port, "/")).isEqualTo(200);
      assertThat(status(port, "/voxrelay-client.js")).isEqualTo(200);
      HttpResponse<String> demo = Await.value("the demo's session from the example backend", READY,
          () -> demoSession(port));
      assertThat(demo.body()).contains("\"sessionId\"", "\"token\"").doesNotContain(Deployment.API_KEY);
      assertThat(VoiceClient.post(vertx, port, "/v1/sessions", "{\"questions\":[\"q\"]}", VoiceClient.NO_KEY)
          .status()).as("session creation from this host without a key").isEqualTo(401);
      // -k: the test's certificate names 127.0.0.1, not lb; what this checks is the key.
      String fromAnotherHost = compose.exec(compose.containers("gateway").get(0), "curl", "-s", "-k", "-o",
          "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "-d",
          "{\"instructions\":\"x\",\"questions\":[\"q\"]}", "https://lb:8443/v1/sessions");
      assertThat(fromAnotherHost).as("session creation from another host without a key").isEqualTo("401");

      long t = System.currentTimeMillis();
      for (int i = 0; i < SESSIONS; i++) {
        sessions.add(ScriptedSession.start(vertx, port, () -> port, "compose-" + i + "-"));
      }
      // A tab left open whose heartbeats stopped (a frozen page): the watchdog terminates its session.
      VoiceClient silent = VoiceClient.connect(vertx, port, VoiceClient.createSession(vertx, port));
      // The tabs heartbeat (and reconnect off a dead gateway) on their own; every turn is the test's own, so each
      // one after a step must be carried out.
      driver = new ChaosDriver(sessions, new Random(7));
      driver.startHeartbeats();
      ScriptedSession.talk(sessions, "start", false);
      // Counted where it is carried out, before the rolling restart below starts those counters again.
      Await.until("the silent session is terminated for its heartbeat, and counted", READY, Compose.POLL,
          () -> sum(compose, "session", "voxrelay_terminations_total", "reason=\"heartbeat_timeout\"") >= 1);
      assertThat(silent.awaitClose(Duration.ofSeconds(30))).isEqualTo(4000);
      step(SESSIONS + " sessions talking through the load balancer", t);

      t = System.currentTimeMillis();
      compose.up(override(3));
      List<String> relays = compose.containers("relay");
      assertThat(relays).hasSize(3);
      relays.forEach(c -> compose.awaitReady(c, READY));
      String third = relays.get(2);
      List<ScriptedSession> later = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        later.add(ScriptedSession.start(vertx, port, () -> port, "compose-later-" + i + "-"));
      }
      sessions.addAll(later);
      ScriptedSession.talk(sessions, "scaled", false);
      Await.until("the third relay takes new sessions", READY, Compose.POLL,
          () -> metric(compose, third, "voxrelay_upstream_connections_opened_total") > 0);
      step("relays scaled 2 -> 3", t);

      killTalkRestart(compose, sessions, "gateway");
      killTalkRestart(compose, sessions, "relay");

      t = System.currentTimeMillis();
      String relay = compose.containers("relay").get(1);
      compose.stop(relay);
      assertThat(compose.logs(relay)).as("the relay handed its sessions over").contains("handed");
      ScriptedSession.talk(sessions, "relay-stopped", false);
      compose.start(relay);
      compose.awaitReady(relay, READY);
      step("a relay stopped (SIGTERM)", t);

      t = System.currentTimeMillis();
      for (String service : SERVICES) {
        for (String container : compose.containers(service)) {
          compose.stop(container);
          compose.start(container);
          compose.awaitReady(container, READY);
        }
        // A client of a restarted gateway may have been away past the detach grace (3 s here): it resumes.
        sessions.forEach(ScriptedSession::settle);
        ScriptedSession.talk(sessions, "rolled-" + service, false);
      }
      step("a rolling restart of every service", t);

      // A client that sends far more audio than real time: what goes over its rate is dropped, and counted.
      for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(6_000), 100)) {
        sessions.get(0).client.sendAudio(chunk);
      }

      t = System.currentTimeMillis();
      driver.quiesce();
      for (ScriptedSession s : sessions) {
        s.settle();
        s.type("the last turn of " + s.marker, false);
      }
      for (ScriptedSession s : sessions) {
        s.awaitEchoes();
        s.assertClientSawEachEventOnce();
      }
      step("every session checked", t);

      // The figures moved as they should, scraped from each service's management port (every process was
      // restarted once above, so these count from then).
      assertThat(sum(compose, "relay", "voxrelay_upstream_connections_open", "")).as("upstreams open now")
          .isGreaterThanOrEqualTo(sessions.size());
      assertThat(sum(compose, "relay", "voxrelay_upstream_connections_opened_total", "")).isPositive();
      Await.until("the dropped audio is counted", Duration.ofSeconds(30), Compose.POLL,
          () -> sum(compose, "gateway", "voxrelay_audio_frames_dropped_total", "direction=\"in\"") > 0);
      assertThat(sum(compose, "gateway", "voxrelay_audio_frames_total", "direction=\"out\"")).isPositive();
      assertThat(sum(compose, "gateway", "voxrelay_resumes_total", "")).as("clients came back after the kills")
          .isPositive();
      assertThat(sum(compose, "watchdog", "voxrelay_watchdog_sweep_seconds_count", "")).isPositive();
      assertThat(sum(compose, "session", "voxrelay_store_latency_seconds_count", "")).isPositive();
      leastPrivilege(compose, port, sessions);
      stepMillis.forEach((name, ms) -> System.out.printf("[compose] %-55s %6.1f s%n", name, ms / 1000.0));
    } finally {
      TlsPorts.forget(port);
      if (driver != null) {
        driver.stop();
      }
      sessions.forEach(ScriptedSession::close);
      Await.result(vertx.close());
    }
  }

  /**
   * Kills the first container of {@code service}. A turn typed into the failure may be refused (`unavailable`,
   * which a client may send again) but never carried out twice; once the cluster has noticed (its failure
   * timeout) and the clients are back, every session's next turn must be carried out. Then it restarts.
   */
  private void killTalkRestart(Compose compose, List<ScriptedSession> sessions, String service) {
    long t = System.currentTimeMillis();
    String container = compose.containers(service).get(0);
    compose.kill(container);
    ScriptedSession.talk(sessions, service + "-killed", true);
    Await.sleep(RECOVERY_MS);
    sessions.forEach(ScriptedSession::settle);
    ScriptedSession.talk(sessions, "after-" + service + "-killed", false);
    compose.start(container);
    compose.awaitReady(container, READY);
    step("a " + service + " killed", t);
  }

  /**
   * What least privilege leaves: the application's database role is no superuser and its tables are in its own
   * schema; the load balancer's log names no session; one address holds at most the balancer's cap of open
   * connections (200 by default; the test's sessions hold some already), and a refused one costs nothing after.
   */
  private void leastPrivilege(Compose compose, int port, List<ScriptedSession> sessions) throws IOException {
    long t = System.currentTimeMillis();
    String postgres = compose.containers("postgres").get(0);
    assertThat(compose.exec(postgres, "psql", "-d", "voxrelay", "-tAc",
        "select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = 'voxrelay'").trim())
        .as("the application's role: no superuser, creates no database or role").isEqualTo("f|f|f");
    assertThat(compose.exec(postgres, "psql", "-d", "voxrelay", "-tAc",
        "select count(*) filter (where schemaname = 'voxrelay') > 0, count(*) filter (where schemaname = 'public') "
            + "from pg_tables").trim()).as("its tables in its own schema, none in public").isEqualTo("t|0");
    assertThat(compose.exec(postgres, "psql", "-d", "voxrelay", "-tAc",
        "select count(*) > 0, bool_and(s.ssl) from pg_stat_ssl s join pg_stat_activity a using (pid) "
            + "where a.usename = 'voxrelay'").trim())
        .as("the session services are connected, every connection over TLS").isEqualTo("t|t");

    String lbLog = compose.logs(compose.containers("lb").get(0));
    assertThat(lbLog).as("the load balancer logs session paths without their ids").contains("/v1/sessions/*/ws");
    for (ScriptedSession session : sessions) {
      assertThat(lbLog).doesNotContain(session.client.sessionId());
    }

    List<java.net.Socket> sockets = new ArrayList<>();
    int refused = 0;
    try {
      for (int i = 0; i < 200; i++) {
        sockets.add(new java.net.Socket("127.0.0.1", port));
      }
      Await.sleep(1_000);
      for (java.net.Socket socket : sockets) {
        socket.setSoTimeout(50);
        try {
          if (socket.getInputStream().read() < 0) {
            refused++;
          }
        } catch (java.net.SocketTimeoutException open) {
          // Held open: within the cap.
        } catch (IOException reset) {
          refused++;
        }
      }
    } finally {
      for (java.net.Socket socket : sockets) {
        socket.close();
      }
    }
    assertThat(refused).as("connections past the cap of one address, closed at once").isPositive();
    Await.until("the balancer takes this address again", READY, () -> status(port, "/health") == 200);
    step("least privilege checked (" + refused + " of 200 extra connections refused)", t);
  }

  private void step(String name, long startedAt) {
    long ms = System.currentTimeMillis() - startedAt;
    stepMillis.put(name, ms);
    System.out.printf("[compose] %s (%.1f s)%n", name, ms / 1000.0);
  }

  /** The test's settings on top of the compose file's: short timeouts, and {@code relays} relays. */
  private static String override(int relays) {
    return override(relays, 2);
  }

  /** As {@link #override(int)}, with {@code others} replicas of each other service. */
  private static String override(int relays, int others) {
    String env = "    environment:\n"
        + "      VOXRELAY_HEARTBEAT_TIMEOUT_MS: \"20000\"\n"
        + "      VOXRELAY_WATCHDOG_INTERVAL_MS: \"2000\"\n"
        + "      VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S: \"5\"\n"
        + "      VOXRELAY_CLUSTER_MERGE_DELAY_S: \"5\"\n"
        + "      VOXRELAY_BUS_TIMEOUT_MS: \"2000\"\n"
        + "      VOXRELAY_DETACH_GRACE_MS: \"3000\"\n";
    StringBuilder yaml = new StringBuilder("services:\n");
    for (String service : SERVICES) {
      yaml.append("  ").append(service).append(":\n").append(env);
      yaml.append("    deploy:\n      replicas: ").append(service.equals("relay") ? relays : others).append('\n');
    }
    return yaml.toString();
  }

  /** The demo page's request for a session; null until the example backend answers it with 201. */
  private HttpResponse<String> demoSession(int port) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
              + "/demo/sessions")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 201 ? response : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private int status(int port, String path) {
    return status(http, URI.create("https://127.0.0.1:" + port + path));
  }

  /** A request in the clear to the public port: -1 when it is refused. */
  private static int plainStatus(int port, String path) {
    return status(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port + path));
  }

  private static int status(HttpClient client, URI uri) {
    try {
      return client.send(HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The sum of a metric's samples on one container whose labels contain {@code labels} ("" for any). */
  private static double metric(Compose compose, String container, String name, String labels) {
    return ManagementPort.sum(compose.management(container, "/metrics"), name, labels);
  }

  private static double metric(Compose compose, String container, String name) {
    return metric(compose, container, name, "");
  }

  /** A metric summed over every container of {@code service}. */
  private static double sum(Compose compose, String service, String name, String labels) {
    return compose.containers(service).stream().mapToDouble(c -> metric(compose, c, name, labels)).sum();
  }
}
