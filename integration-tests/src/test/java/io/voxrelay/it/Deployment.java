package io.voxrelay.it;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.gateway.GatewayVerticle;
import io.voxrelay.relay.RelayVerticle;
import io.voxrelay.session.SessionVerticle;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * voxrelay deployed for a test: each service instance on its own clustered Vert.x node in this JVM, the
 * simulator on a plain Vert.x instance of its own (it is outside the cluster, like OpenAI).
 */
final class Deployment implements AutoCloseable {

  final TestCluster cluster = new TestCluster();
  final Vertx simulatorVertx = Vertx.vertx();
  final UpstreamSimulator simulator;
  final List<GatewayVerticle> gateways = new ArrayList<>();
  final List<Vertx> gatewayNodes = new ArrayList<>();
  final List<RelayVerticle> relays = new ArrayList<>();
  final List<Vertx> relayNodes = new ArrayList<>();
  final List<Vertx> sessionNodes = new ArrayList<>();
  final List<SessionVerticle> sessions = new ArrayList<>();
  final List<Vertx> watchdogNodes = new ArrayList<>();
  final List<io.voxrelay.watchdog.WatchdogVerticle> watchdogs = new ArrayList<>();
  private final Map<String, String> env;
  /** The session API's key of every test deployment that sets none of its own (a gateway needs one). */
  static final String API_KEY = "voxrelay-test-api-key-0123456789";
  /** See the constructor: test clients stream faster than real time. */
  static final String TEST_AUDIO_BURST_MS = "600000";

  Deployment(Map<String, String> env) {
    Map<String, String> withData = new java.util.HashMap<>(env);
    if (!env.containsKey("VOXRELAY_DATA_DIR")) {
      try {
        withData.put("VOXRELAY_DATA_DIR", java.nio.file.Files.createTempDirectory("voxrelay-it").toString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    // The tests' clients send recorded turns faster than real time, as no microphone could: they get a long
    // audio burst. HostileInputTest keeps the 2 s default, to test the rate itself.
    withData.putIfAbsent("VOXRELAY_AUDIO_BURST_MS", TEST_AUDIO_BURST_MS);
    withData.putIfAbsent("VOXRELAY_API_KEY", API_KEY);
    this.env = Map.copyOf(withData);
    simulator = new UpstreamSimulator(SimulatorConfig.fromEnv(new Env(env)));
    Await.result(simulatorVertx.deployVerticle(simulator));
  }

  static Deployment start(int sessions, int relays, int watchdogs, int gateways) {
    return start(Map.of(), sessions, relays, watchdogs, gateways);
  }

  static Deployment start(Map<String, String> env, int sessions, int relays, int watchdogs, int gateways) {
    Deployment d = new Deployment(env);
    try {
      d.startServices(sessions, relays, watchdogs, gateways);
      return d;
    } catch (RuntimeException | AssertionError e) {
      d.close();
      throw e;
    }
  }

  /** Starts service instances on new nodes of this deployment's cluster, with its env. */
  void startServices(int sessionCount, int relayCount, int watchdogCount, int gatewayCount) {
    Env config = new Env(env);
    for (int i = 0; i < sessionCount; i++) {
      SessionVerticle session = new SessionVerticle(config);
      sessionNodes.add(deploy(session));
      sessions.add(session);
    }
    for (int i = 0; i < relayCount; i++) {
      RelayVerticle relay = new RelayVerticle(relayConfig(config), HygieneConfig.fromEnv(config),
          ToolConfig.fromEnv(config));
      relayNodes.add(deploy(relay));
      relays.add(relay);
    }
    for (int i = 0; i < watchdogCount; i++) {
      var watchdog = new io.voxrelay.watchdog.WatchdogVerticle(HygieneConfig.fromEnv(config));
      watchdogNodes.add(deploy(watchdog));
      watchdogs.add(watchdog);
    }
    for (int i = 0; i < gatewayCount; i++) {
      GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.fromEnv(config).withHttpPort(0));
      gatewayNodes.add(deploy(gateway));
      gateways.add(gateway);
    }
  }

  /**
   * The relay's settings, its upstream (and fallback, if any) the simulator's path for the provider the env names
   * (OpenAI's by default).
   */
  private RelayConfig relayConfig(Env config) {
    return RelayConfig.fromEnv(config, simulator::url);
  }

  /** Stops every service node, as a full shutdown would; the simulator and the data directory stay. */
  void stopServices() {
    stopByRole();
    cluster.close();
    gateways.clear();
    gatewayNodes.clear();
    relays.clear();
    relayNodes.clear();
    sessionNodes.clear();
    sessions.clear();
    watchdogNodes.clear();
    watchdogs.clear();
  }

  /**
   * Stops every service node in an orderly shutdown's order, whatever order they were started in: gateways,
   * watchdogs, relays, then session services. A relay stopped after the session service would wait out its
   * durable requests' retries (about 10 s) on close; a session service started again mid-test is started last.
   */
  private void stopByRole() {
    for (List<Vertx> nodes : List.of(gatewayNodes, watchdogNodes, relayNodes, sessionNodes)) {
      for (Vertx node : List.copyOf(nodes)) {
        try {
          cluster.stop(node);
        } catch (AssertionError ignored) {
          // Best effort, as TestCluster.close: a node that cannot close cleanly must not hide the test's failure.
        }
      }
    }
  }

  /** Starts one more gateway, on {@code port} (a gateway started again where its clients look for it). */
  Vertx startGateway(int port) {
    GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.fromEnv(new Env(env)).withHttpPort(port));
    Vertx node = deploy(gateway);
    gatewayNodes.add(node);
    gateways.add(gateway);
    return node;
  }

  /** Stops one service node cleanly (it leaves the cluster), as an operator's stop of that instance would. */
  void stop(Vertx node) {
    for (var nodesAndServices : List.of(List.of(sessionNodes, sessions), List.of(relayNodes, relays),
        List.of(watchdogNodes, watchdogs), List.of(gatewayNodes, gateways))) {
      int index = nodesAndServices.get(0).indexOf(node);
      if (index >= 0) {
        nodesAndServices.get(0).remove(index);
        nodesAndServices.get(1).remove(index);
      }
    }
    cluster.stop(node);
  }

  /** Stops one session-service node, as a crash or an outage of that service would look to the others. */
  void stopSessionService(int index) {
    stop(sessionNodes.get(index));
  }

  /** The simulator's session opened for the voxrelay session created with {@code marker} as its instructions. */
  io.voxrelay.simulator.SimulatedSession upstream(String marker) {
    return Await.value(marker + "'s upstream", java.time.Duration.ofSeconds(10), () -> simulator.sessions().stream()
        .filter(s -> s.instructions() != null && s.instructions().startsWith(marker)).findFirst().orElse(null));
  }

  /**
   * Every service node's Vert.x options. {@code VOXRELAY_TEST_EVENT_LOOP_LIMIT_MS} in the env lowers Vert.x's
   * blocked-thread limit for event loops (2 s by default), so any task that holds a loop longer is logged
   * ("has been blocked for").
   */
  private io.vertx.core.VertxOptions nodeOptions() {
    io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
    String limit = env.get("VOXRELAY_TEST_EVENT_LOOP_LIMIT_MS");
    if (limit != null) {
      long ms = Long.parseLong(limit);
      options.setMaxEventLoopExecuteTime(ms).setMaxEventLoopExecuteTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
          .setBlockedThreadCheckInterval(Math.max(10, ms / 5))
          .setBlockedThreadCheckIntervalUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return options;
  }

  private Vertx deploy(VerticleBase verticle) {
    Vertx node = cluster.node(nodeOptions());
    Await.result(node.deployVerticle(verticle));
    return node;
  }

  /** The SQLite store of this deployment, for tests that check what was persisted. */
  java.nio.file.Path dataDir() {
    return java.nio.file.Path.of(env.get("VOXRELAY_DATA_DIR"));
  }

  int gatewayPort(int index) {
    return gateways.get(index).actualPort();
  }

  /** A plain Vert.x instance for test clients. */
  Vertx clientVertx() {
    return simulatorVertx;
  }

  @Override
  public void close() {
    stopByRole();
    cluster.close();
    Await.result(simulatorVertx.close());
  }

  /** Sessions terminated for {@code reason}, as the session services' figures count them. */
  double terminations(io.voxrelay.common.protocol.TerminationReason reason) {
    return sessionNodes.stream().mapToDouble(node -> {
      var counter = io.voxrelay.common.management.Telemetry.of(node).registry()
          .find(io.voxrelay.common.management.MetricNames.TERMINATIONS).tag("reason", reason.code()).counter();
      return counter == null ? 0 : counter.count();
    }).sum();
  }

  /** Live sessions at the last sweep of the first watchdog, as its figures show. */
  double liveSessions() {
    var gauge = io.voxrelay.common.management.Telemetry.of(watchdogNodes.get(0)).registry()
        .find(io.voxrelay.common.management.MetricNames.SESSIONS_ACTIVE).gauge();
    return gauge == null ? 0 : gauge.value();
  }
}
