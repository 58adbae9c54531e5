package io.voxrelay.bench;

import io.voxrelay.session.SweepBench;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * voxrelay's bench: one command, one report ({@code bench/REPORT.md}). Each voxrelay figure stands beside the
 * baselines measured in the same run: the direct path (the floor) and a minimal pass-through relay.
 *
 * <p>Run from the repository root after {@code ./mvnw -q -DskipTests package}:
 * {@code java -jar bench/target/voxrelay-bench.jar [--quick] [--only latency,capacity,storm,typed,idle,sweep]
 * [--warmup-s N]}. {@code --warmup-s} runs each load that long before measuring it (5 s by default, 3 s quick).
 * {@code --guard} runs the CI guard instead ({@link CiGuard}) and exits 1 when it fails.
 */
public final class Bench {

  static final String LOAD_HEADER = "| target | streams | client→upstream ms p50 / p90 / p99 / max "
      + "| upstream→client ms p50 / p90 / p99 / max | lost up / down | CPU ms per s per stream "
      + "| generator lag p99 ms | send lag p99 ms |\n|---|---|---|---|---|---|---|---|\n";

  private final Path repo;
  private final boolean quick;
  /** The parts to run: latency, capacity, storm, typed, idle, sweep (all by default). */
  private final java.util.Set<String> parts;
  /** How long each load runs before it is measured (0: the default for the mode). */
  private final long warmupMs;
  private final StringBuilder report = new StringBuilder();

  private Bench(Path repo, boolean quick, java.util.Set<String> parts, long warmupMs) {
    this.repo = repo;
    this.quick = quick;
    this.parts = parts;
    this.warmupMs = warmupMs;
  }

  private boolean runs(String part) {
    return parts.isEmpty() || parts.contains(part);
  }

  public static void main(String[] args) throws Exception {
    BenchArgs options;
    try {
      options = BenchArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("[bench] " + e.getMessage());
      System.err.print(BenchArgs.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(BenchArgs.USAGE);
      System.exit(0);
    }
    Path repo = Path.of("").toAbsolutePath();
    try {
      Target.jar(repo);
      if (options.guard()) {
        System.exit(CiGuard.run(repo, Files.createTempDirectory("voxrelay-guard"), Bench::anyFreePort) ? 0 : 1);
      }
      new Bench(repo, options.quick(), options.parts(), options.warmupMs()).run(String.join(" ", args));
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private void run(String args) throws Exception {
    int streams = quick ? 50 : 100;
    long warmup = warmupMs > 0 ? warmupMs : quick ? 3_000 : 5_000;
    long measure = quick ? 8_000 : 15_000;
    Vertx upstreamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Vertx generatorVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    FakeUpstream upstream = new FakeUpstream(upstreamVertx);
    int upstreamPort = LoadRun.await(upstream.start());
    String upstreamUrl = upstream.url(upstreamPort);
    Generator generator = new Generator(generatorVertx);

    header(args);
    List<LoadRun.Result> latency = new ArrayList<>();
    List<LoadRun.Result> capacity = new ArrayList<>();
    List<ReconnectStorm.Result> storms = new ArrayList<>();
    IdleSessions.Result idle = null;
    List<TypedTurns.Result> typed = new ArrayList<>();

    if (runs("latency")) {
      log("latency at " + streams + " streams: direct");
      latency.add(LoadRun.run(generator, upstream, Target.direct(upstreamPort), streams, warmup, measure));
    }
    // Each target's capacity scan runs on a fresh start of it, after its other parts: the scan ends past the
    // target's capacity, and a process pushed that far is no fair ground for the parts after it.
    TargetStart passthroughStart = () -> Target.passthrough(repo, upstreamUrl);
    TargetStart oneStart = () -> Target.oneJvm(repo, upstreamUrl, freePort(),
        Files.createTempDirectory("voxrelay-bench"));
    TargetStart fourStart = () -> Target.fourProcesses(repo, upstreamUrl, freePort(),
        Files.createTempDirectory("voxrelay-bench"));
    if (runs("latency") || runs("storm")) {
      try (Target passthrough = passthroughStart.start()) {
        warmUp(generator, upstream, passthrough);
        if (runs("latency")) {
          log("latency: pass-through");
          latency.add(LoadRun.run(generator, upstream, passthrough, streams, warmup, measure));
        }
        if (runs("storm")) {
          log("reconnect storm: pass-through");
          storms.add(ReconnectStorm.run(generator, passthrough, quick ? 200 : 500));
        }
      }
    }
    capacity.addAll(scanFresh(generator, upstream, passthroughStart));
    if (runs("latency") || runs("storm") || runs("idle") || runs("typed")) {
      try (Target one = oneStart.start()) {
        warmUp(generator, upstream, one);
        if (runs("latency")) {
          log("latency: voxrelay one JVM");
          latency.add(LoadRun.run(generator, upstream, one, streams, warmup, measure));
        }
        if (runs("storm")) {
          log("reconnect storm: one JVM");
          storms.add(ReconnectStorm.run(generator, one, quick ? 200 : 500));
        }
        if (runs("typed")) {
          log("typed turns: one JVM");
          typed.add(TypedTurns.run(generator, one, quick ? 20 : 50, quick ? 5 : 10));
        }
        if (runs("idle")) {
          log("idle sessions: one JVM");
          idle = IdleSessions.run(generator, upstream, one, quick ? 300 : 1_000);
        }
      }
    }
    capacity.addAll(scanFresh(generator, upstream, oneStart));
    if (runs("latency") || runs("storm") || runs("typed")) {
      try (Target four = fourStart.start()) {
        warmUp(generator, upstream, four);
        if (runs("latency")) {
          log("latency: voxrelay four processes");
          latency.add(LoadRun.run(generator, upstream, four, streams, warmup, measure));
        }
        if (runs("storm")) {
          log("reconnect storm: four processes");
          storms.add(ReconnectStorm.run(generator, four, quick ? 200 : 500));
        }
        if (runs("typed")) {
          log("typed turns: four processes");
          typed.add(TypedTurns.run(generator, four, quick ? 20 : 50, quick ? 5 : 10));
        }
      }
    }
    capacity.addAll(scanFresh(generator, upstream, fourStart));
    List<SweepBench.Result> sweeps = List.of();
    if (runs("sweep")) {
      int sweepSessions = quick ? 20_000 : 100_000;
      log("watchdog sweep over " + sweepSessions + " sessions");
      sweeps = List.of(SweepBench.sqlite(sweepSessions, 0.01), SweepBench.postgres(sweepSessions, 0.01));
    }

    if (!latency.isEmpty()) {
      latencyTable(latency);
    }
    if (!capacity.isEmpty()) {
      capacityTable(capacity);
    }
    if (!storms.isEmpty()) {
      stormTable(storms);
    }
    if (!typed.isEmpty()) {
      typedTable(typed);
    }
    if (idle != null) {
      idleTable(idle);
    }
    if (!sweeps.isEmpty()) {
      sweepTable(sweeps);
    }
    // A partial run (--only) writes beside the full report, never over it.
    Path out = repo.resolve(parts.isEmpty() ? "bench/REPORT.md" : "bench/target/REPORT-partial.md");
    Files.writeString(out, report.toString());
    log("wrote " + out);
    LoadRun.await(upstream.close());
    generatorVertx.close();
    upstreamVertx.close();
  }

  /** Starts a target. */
  @FunctionalInterface
  private interface TargetStart {
    Target start() throws Exception;
  }

  /** The capacity scan (when it is one of the parts) on a fresh start of a target, warmed first; then stopped. */
  private List<LoadRun.Result> scanFresh(Generator generator, FakeUpstream upstream, TargetStart start)
      throws Exception {
    if (!runs("capacity")) {
      return List.of();
    }
    try (Target target = start.start()) {
      warmUp(generator, upstream, target);
      return scan(generator, upstream, target);
    }
  }

  /**
   * Before a target's first measured part: {@link #WARM_UP_STREAMS} streams for {@link #warmUpMs}, unmeasured, as
   * a server that has run a while has (a JVM compiles its hot code in its first minute under load, and on 2 cores
   * its compiler takes CPU from the streams). The JIT's share of what is measured after stays in the tables.
   */
  private void warmUp(Generator generator, FakeUpstream upstream, Target target) throws Exception {
    log("warm-up: " + target.name + ", " + WARM_UP_STREAMS + " streams for " + warmUpMs() / 1000 + " s");
    LoadRun.run(generator, upstream, target, WARM_UP_STREAMS, warmUpMs(), 1_000);
  }

  static final int WARM_UP_STREAMS = 100;

  private long warmUpMs() {
    return quick ? 10_000 : 30_000;
  }

  /** The most streams each target carries in real time: steps up until a step fails or the generator saturates. */
  private List<LoadRun.Result> scan(Generator generator, FakeUpstream upstream, Target target) throws Exception {
    List<LoadRun.Result> results = new ArrayList<>();
    int[] steps = quick ? new int[] {100, 200} : new int[] {100, 200, 300, 400, 600};
    for (int n : steps) {
      log("capacity scan: " + target.name + " at " + n);
      LoadRun.Result r = LoadRun.run(generator, upstream, target, n, 3_000, quick ? 5_000 : 8_000);
      results.add(r);
      if (!r.realTime() || r.generatorSaturated()) {
        break;
      }
    }
    return results;
  }

  private void header(String args) throws IOException {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("unknown");
    report.append("# voxrelay bench report\n\n")
        .append("Generated by `java -jar bench/target/voxrelay-bench.jar").append(args.isEmpty() ? "" : " " + args)
        .append("` (after `./mvnw -q -DskipTests package`) on ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append(".\n\n")
        .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpu)
        .append("), Java ").append(System.getProperty("java.version")).append(". The load generator, the fake GA ")
        .append("upstream and every target share this machine: compare the rows of one run, not absolute times.\n\n")
        .append("Each stream sends a stamped 20 ms PCM16 frame every 20 ms and the fake upstream sends one back every ")
        .append("20 ms; the generator and the fake upstream share one clock, so each direction's one-way latency is ")
        .append("exact. Each load runs ").append((warmupMs > 0 ? warmupMs : quick ? 3_000 : 5_000) / 1_000)
        .append(" s before it is measured, and each target first carries ").append(WARM_UP_STREAMS)
        .append(" streams for ").append(warmUpMs() / 1000).append(" s, unmeasured. CPU is the target's user + ")
        .append("system time from `/proc` (all its processes) per second per stream; for a JVM, the part its JIT ")
        .append("compiler threads took is in brackets (a JVM compiles its hot code in its first minutes, and the ")
        .append("compiler shares the 2 cores). *Generator lag* is how late the generator's own timers fired (p99): ")
        .append("above 20 ms the ")
        .append("generator, not the target, is the limit, and the row says so.\n\n");
  }

  private void latencyTable(List<LoadRun.Result> results) {
    report.append("## Latency and CPU per stream\n\n")
        .append(LOAD_HEADER);
    for (LoadRun.Result r : results) {
      report.append(row(r));
    }
    LoadRun.Result direct = results.get(0);
    report.append("\nAdded latency over the direct path (p50 / p99, ms, client→upstream and upstream→client):\n\n");
    for (LoadRun.Result r : results.subList(1, results.size())) {
      report.append(String.format(Locale.ROOT, "- %s: up %.2f / %.2f, down %.2f / %.2f%n", r.target(),
          (r.uplink().p50() - direct.uplink().p50()) / 1000.0, (r.uplink().p99() - direct.uplink().p99()) / 1000.0,
          (r.downlink().p50() - direct.downlink().p50()) / 1000.0,
          (r.downlink().p99() - direct.downlink().p99()) / 1000.0));
    }
    report.append('\n');
  }

  static String row(LoadRun.Result r) {
    return String.format(Locale.ROOT, "| %s | %d | %s | %s | %d / %d | %s | %.2f%s | %.2f |%n", r.target(), r.streams(),
        r.uplink().millis(), r.downlink().millis(), r.upLost(), r.downLost(), r.cpu(), r.loopLag().p99() / 1000.0,
        r.generatorSaturated() ? " (saturated)" : "", r.sendLag().p99() / 1000.0);
  }

  private void capacityTable(List<LoadRun.Result> results) {
    report.append("## Capacity scan\n\nStreams both ways in real time: p99 under 50 ms each way and no frame lost. ")
        .append("Each target steps up until a step fails or the generator saturates.\n\n")
        .append(LOAD_HEADER);
    results.forEach(r -> report.append(row(r)));
    report.append('\n');
  }

  private void stormTable(List<ReconnectStorm.Result> results) {
    report.append("## Reconnect storm\n\nEvery session's connection is cut at once (a TCP proxy closes them); each ")
        .append("client reconnects at once with its resume token and last seq. Time from the cut to the new ")
        .append("WebSocket's handshake, and to `connected`. The pass-through has no sessions: its clients open new ")
        .append("sockets through the same proxy, and its `connected` is sent when its new upstream is open.\n\n")
        .append("| target | sessions | to handshake ms p50 / p90 / p99 / max | to `connected` ms p50 / p90 / p99 / max "
            + "| failed |\n|---|---|---|---|---|\n");
    for (ReconnectStorm.Result r : results) {
      report.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d |%n", r.target(), r.sessions(),
          r.toOpen().millis(), r.toConnected().millis(), r.failed()));
    }
    report.append('\n');
  }

  private void typedTable(List<TypedTurns.Result> results) {
    report.append("## Typed turns\n\nSessions each send typed turns one after another; the time from the client's ")
        .append("`text` to the user turn's `transcript.done` at that client (through the gateway, the session service ")
        .append("and the relay, into the upstream conversation, stored). The fake upstream acknowledges items and ")
        .append("answers at once.\n\n| target | sessions | turns each | to `transcript.done` ms p50 / p90 / p99 / max ")
        .append("| failed |\n|---|---|---|---|---|\n");
    for (TypedTurns.Result r : results) {
      report.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d |%n", r.target(), r.sessions(),
          r.turnsEach(), r.toStored().millis(), r.failed()));
    }
    report.append('\n');
  }

  private void idleTable(IdleSessions.Result r) {
    report.append("## Idle sessions and set-up rate (one JVM)\n\n")
        .append(String.format(Locale.ROOT, "- %d idle connected sessions (heartbeating, each with its upstream): "
            + "%.1f KiB of heap per session (used heap after a full GC, all services in the JVM)%n", r.sessions(),
            r.kibPerSession()))
        .append(String.format(Locale.ROOT, "- set-up rate (create over HTTP, connect, `connected`; 32 at a time): "
            + "%.0f sessions per second; %d failed (after %d set-ups, then ended, as the set-up path's warm-up: "
            + "%.0f per second)%n", r.setupsPerSecond(), r.failed(), r.warmUpSetups(), r.warmUpSetupsPerSecond()))
        .append(String.format(Locale.ROOT, "- CPU per set-up: %.2f ms in the target (of which its JIT compiler "
            + "%.2f ms), %.2f ms in the load generator and the fake upstream; the machine was %.0f %% busy over the "
            + "set-up%n", r.setupCpu().targetMs(), r.setupCpu().targetJitMs(), r.setupCpu().generatorMs(),
            100 * r.setupCpu().machineBusy()))
        .append(String.format(Locale.ROOT, "- then 1 in 10 of them (%d) streaming both ways for %d s, all on the one "
            + "relay process, after 2 s of warm-up: client→upstream ms %s, upstream→client ms %s (p50 / p90 / p99 / "
            + "max), lost %d / %d; %d sessions refused; generator lag p99 %.2f ms, send lag p99 %.2f ms%n%n",
            r.streaming(), IdleSessions.STREAM_MS / 1000, r.uplink().millis(), r.downlink().millis(), r.upLost(),
            r.downLost(), r.failed(), r.loopLag().p99() / 1000.0, r.sendLag().p99() / 1000.0));
    int kept = r.sessions() - r.failed();
    report.append("Where a set-up's time goes: the target's own timers (`voxrelay_bus_request_seconds` by address ")
        .append("and outcome, `voxrelay_store_latency_seconds` by queue) over the set-up, from its management port. ")
        .append("Requests overlap (32 set-ups at a time), so the means add up to more than a set-up's own time.")
        .append("\n\n| timer | per set-up | mean ms |\n|---|---|---|\n");
    for (SetupTimings.Timing t : r.setupTimings()) {
      report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", t.name().replace("|", "/"),
          (double) t.count() / kept, t.meanMs()));
    }
    report.append('\n');
    report.append("Where an idle session's heap goes: the classes whose live bytes grew most with the sessions ")
        .append("(`jcmd GC.class_histogram` before and after), per session.\n\n| class | bytes per session | ")
        .append("instances per session |\n|---|---|---|\n");
    for (ClassHistogram.Growth g : r.heapByClass()) {
      report.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.1f |%n", g.className(),
          (double) g.bytes() / kept, (double) g.instances() / kept));
    }
    report.append('\n');
  }

  private void sweepTable(List<SweepBench.Result> results) {
    report.append("## Watchdog sweep\n\nThe sweep's store query (`findExpired`: three indexed range queries and ")
        .append("one read of the live count) over stored live sessions of which 1% expired; the terminations themselves ")
        .append("are not included.\n\n| store | sessions | expired | ms median | ms p90 |\n|---|---|---|---|---|\n");
    for (SweepBench.Result r : results) {
      report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f |%n", r.store(), r.sessions(),
          r.expired(), r.medianMs(), r.p90Ms()));
    }
    report.append('\n');
  }

  private static int anyFreePort() {
    try {
      return freePort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void log(String line) {
    System.out.println("[bench] " + java.time.LocalTime.now().withNano(0) + " " + line);
  }
}
