package io.voxrelay.it;

import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * voxrelay as separate OS processes for a test: a cluster of its own on loopback, a data directory, an HTTP
 * port, and the simulator in this JVM as the upstream. Every process is stopped on {@link #close()}, however
 * the test ended.
 */
final class ProcessCluster implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  final Vertx vertx = Vertx.vertx();
  final UpstreamSimulator simulator;
  final int httpPort;
  private final Map<String, String> env = new HashMap<>();
  private final List<ServiceProcess> processes = new ArrayList<>();

  ProcessCluster(String name, Map<String, String> extraEnv) {
    this(name, extraEnv, SimulatorConfig.defaults());
  }

  /** @param simulatorConfig e.g. more upstream sessions kept for inspection than the default, for a long run */
  ProcessCluster(String name, Map<String, String> extraEnv, SimulatorConfig simulatorConfig) {
    simulator = new UpstreamSimulator(simulatorConfig);
    Await.result(vertx.deployVerticle(simulator));
    httpPort = freePort();
    try {
      env.putAll(Map.of(
          "VOXRELAY_CLUSTER_NAME", "voxrelay-" + name + "-" + UUID.randomUUID().toString().substring(0, 8),
          "VOXRELAY_UPSTREAM_URL", simulator.url(),
          "VOXRELAY_HTTP_PORT", String.valueOf(httpPort),
          "VOXRELAY_HTTP_HOST", "127.0.0.1",
          "VOXRELAY_DATA_DIR", Files.createTempDirectory("voxrelay-" + name).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Test clients stream recorded turns faster than real time (see Deployment).
    env.put("VOXRELAY_AUDIO_BURST_MS", Deployment.TEST_AUDIO_BURST_MS);
    env.put("VOXRELAY_API_KEY", Deployment.API_KEY);
    env.put("VOXRELAY_CLUSTER_PORT", String.valueOf(io.voxrelay.testing.TestCluster.PORT));
    env.put("VOXRELAY_CLUSTER_MEMBERS", io.voxrelay.testing.TestCluster.membersList());
    env.putAll(extraEnv);
  }

  Map<String, String> env() {
    return Map.copyOf(env);
  }

  /** Starts one service process and waits until it has joined the cluster. */
  ServiceProcess start(String name, Class<?> main) {
    return start(name, main, Map.of());
  }

  ServiceProcess start(String name, Class<?> main, Map<String, String> overrides) {
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.putAll(overrides);
    try {
      ServiceProcess process = ServiceProcess.start(name, main, processEnv);
      processes.add(process);
      return process.awaitReady(START_TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every process (newest first), as a full shutdown would. */
  void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }

  @Override
  public void close() {
    stopAll();
    Await.result(vertx.close());
  }

  /** A port for a service process's HTTP server (see {@link io.voxrelay.testing.TestPorts}). */
  static int freePort() {
    return io.voxrelay.testing.TestPorts.next();
  }
}
