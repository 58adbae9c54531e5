package io.voxrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A system under measurement: its processes, and where and how the load generator talks to it. */
final class Target implements AutoCloseable {

  /** The session API's key of every voxrelay target (the load generator is its app backend). */
  static final String API_KEY = "voxrelay-bench-api-key-0123456789";

  private static final List<String> JVM_FLAGS = List.of("-Xmx1g",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED");

  private static final java.util.concurrent.atomic.AtomicInteger STARTED = new java.util.concurrent.atomic.AtomicInteger();

  final String name;
  final StreamClient.Protocol protocol;
  final int port;
  final String path;
  private final List<Process> processes;
  /** The one-JVM target's management port (metrics), or 0. */
  final int managementPort;

  private Target(String name, StreamClient.Protocol protocol, int port, String path, List<Process> processes) {
    this(name, protocol, port, path, processes, 0);
  }

  private Target(String name, StreamClient.Protocol protocol, int port, String path, List<Process> processes,
                 int managementPort) {
    this.name = name;
    this.protocol = protocol;
    this.port = port;
    this.path = path;
    this.processes = processes;
    this.managementPort = managementPort;
  }

  /** The floor: the generator speaks GA straight to the fake upstream. */
  static Target direct(int upstreamPort) {
    return new Target("direct (floor)", StreamClient.Protocol.GA, upstreamPort, "/v1/realtime?model=bench", List.of());
  }

  /** The minimal Node pass-through relay ({@code bench/passthrough/relay.js}). */
  static Target passthrough(Path repo, String upstreamUrl) throws Exception {
    Path dir = repo.resolve("bench/passthrough");
    if (!Files.isDirectory(dir.resolve("node_modules/ws"))) {
      run(dir, "npm", "ci", "--no-audit", "--no-fund");
    }
    ProcessBuilder pb = new ProcessBuilder("node", "relay.js").directory(dir.toFile());
    pb.environment().put("UPSTREAM_URL", upstreamUrl);
    Process p = startLogged(pb, repo, "passthrough-" + STARTED.incrementAndGet());
    String line = await(p, Pattern.compile("passthrough listening on (\\d+)"), 30);
    int port = Integer.parseInt(match(line, "passthrough listening on (\\d+)"));
    return new Target("pass-through relay (Node)", StreamClient.Protocol.AUDIO_ONLY, port, "/ws", List.of(p));
  }

  /** voxrelay's standalone jar: every service in one JVM. */
  static Target oneJvm(Path repo, String upstreamUrl, int httpPort, Path dataDir) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env(upstreamUrl, httpPort, dataDir, "one"));
    int managementPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      managementPort = socket.getLocalPort();
    }
    env.put("VOXRELAY_MANAGEMENT_PORT", String.valueOf(managementPort));
    Process p = java(repo, List.of("-jar", jar(repo).toString()), env);
    await(p, Pattern.compile("\\[voxrelay] ready: standalone"), 120);
    return new Target("voxrelay, one JVM", StreamClient.Protocol.VOXRELAY, httpPort, null, List.of(p),
        managementPort);
  }

  /** voxrelay as four processes (session, relay, watchdog, gateway), clustered over the event bus. */
  static Target fourProcesses(Path repo, String upstreamUrl, int httpPort, Path dataDir) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env(upstreamUrl, httpPort, dataDir, "four"));
    // The four share one bus certificate, as a deployment's processes do (a one-JVM run makes its own).
    io.voxrelay.common.config.ClusterTls tls = io.voxrelay.common.cluster.ClusterCertificate.ensure(dataDir);
    env.put("VOXRELAY_CLUSTER_TLS_KEYSTORE", tls.keyStore().orElseThrow().toString());
    env.put("VOXRELAY_CLUSTER_TLS_PASSWORD", tls.password().orElseThrow().reveal());
    List<Process> started = new ArrayList<>();
    for (String main : List.of("io.voxrelay.session.SessionServiceMain", "io.voxrelay.relay.RelayServiceMain",
        "io.voxrelay.watchdog.WatchdogServiceMain", "io.voxrelay.gateway.GatewayServiceMain")) {
      Process p = java(repo, List.of("-cp", jar(repo).toString(), main), env);
      started.add(p);
      await(p, Pattern.compile("\\[voxrelay] ready: "), 120);
    }
    return new Target("voxrelay, four processes", StreamClient.Protocol.VOXRELAY, httpPort, null, started);
  }

  List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  /** The process holding every service of a one-JVM target (for heap measurements). */
  long mainPid() {
    return processes.get(0).pid();
  }

  /**
   * Every bench client connects from 127.0.0.1, so the per-address socket cap is lifted past the largest run
   * (1,000 idle sessions plus 100 streaming ones, a storm of 500).
   */
  private static Map<String, String> env(String upstreamUrl, int httpPort, Path dataDir, String tag) {
    return Map.of("VOXRELAY_UPSTREAM_URL", upstreamUrl, "OPENAI_API_KEY", "sk-bench",
        "VOXRELAY_HTTP_PORT", String.valueOf(httpPort), "VOXRELAY_HTTP_HOST", "127.0.0.1",
        "VOXRELAY_DATA_DIR", dataDir.toString(), "VOXRELAY_MANAGEMENT_PORT", "0",
        "VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS", "5000", "VOXRELAY_API_KEY", API_KEY,
        "VOXRELAY_CLUSTER_NAME", "voxrelay-bench-" + tag + "-" + ProcessHandle.current().pid());
  }

  static Path jar(Path repo) {
    Path jar = repo.resolve("standalone/target/voxrelay.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no " + jar + ": run ./mvnw -q -DskipTests package first");
    }
    return jar;
  }

  private static Process java(Path repo, List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    // For profiling a target, e.g. VOXRELAY_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/%t.jfr":
    // %t becomes the process's part (standalone, or the service's main class), so none overwrites another.
    String name = args.get(args.size() - 1).replaceAll(".*[./]", "") + "-" + STARTED.incrementAndGet();
    String extra = System.getenv("VOXRELAY_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().replace("%t", name).split("\\s+")));
    }
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().putAll(env);
    return startLogged(pb, repo, name);
  }

  /**
   * Waits until a line of the process's log matches. Each process logs to its own file under
   * {@code bench/target/logs} (named in the bench's output), so a run's target logs can be read afterwards.
   */
  private static String await(Process p, Pattern ready, int seconds) throws Exception {
    Path log = LOGS.get(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (ready.matcher(line).find()) {
          return line;
        }
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the process ended before it was ready; its log: " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not ready in " + seconds + " s; its log: " + log);
  }

  private static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Starts {@code pb} with its output (stdout and stderr) in the log file {@code name}.log. */
  private static Process startLogged(ProcessBuilder pb, Path repo, String name) throws IOException {
    Path dir = repo.resolve("bench/target/logs");
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LOGS.put(p, log);
    System.out.println("[bench] " + name + " logs to " + repo.relativize(log));
    return p;
  }

  private static String match(String line, String regex) {
    Matcher m = Pattern.compile(regex).matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("unexpected line: " + line);
    }
    return m.group(1);
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
