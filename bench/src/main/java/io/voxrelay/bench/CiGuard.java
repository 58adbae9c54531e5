package io.voxrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CI bench guard ({@code --guard}): latency at 50 streams in the JSON audio mode through the Node
 * pass-through, voxrelay in one JVM and voxrelay as four processes, in one run. It fails when voxrelay's CPU per
 * stream is over {@value #ONE_JVM_LIMIT}× the pass-through's in one JVM or over {@value #FOUR_PROCESS_LIMIT}× in
 * four processes, or when a stream lost a frame. The ratios are generous on purpose: they catch a per-frame
 * regression (a lookup, a copy, a parse put back on the hot path), not the noise of a shared CI machine. A JVM's
 * CPU is compared without its JIT compiler's share, which is printed beside it: in four JVMs on 2 cores the
 * compiler is still at work after the warm-up (up to a fifth of their CPU), and its share varies from run to run
 * with what it compiles when, not with what each frame costs.
 */
final class CiGuard {

  static final double ONE_JVM_LIMIT = 2.0;
  static final double FOUR_PROCESS_LIMIT = 3.0;
  static final int STREAMS = 50;
  /** Long enough for each JVM to compile its per-frame path: a cold JVM's CPU is mostly its JIT. */
  static final long WARMUP_MS = 20_000;
  static final long MEASURE_MS = 10_000;

  private CiGuard() {
  }

  /** Runs the guard; returns whether it passed, having printed every figure and written {@code bench/target/GUARD.md}. */
  static boolean run(Path repo, Path dataRoot, java.util.function.IntSupplier freePort) throws Exception {
    Vertx upstreamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Vertx generatorVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      FakeUpstream upstream = new FakeUpstream(upstreamVertx);
      String upstreamUrl = upstream.url(LoadRun.await(upstream.start()));
      Generator generator = new Generator(generatorVertx);
      List<LoadRun.Result> results = new ArrayList<>();
      try (Target passthrough = Target.passthrough(repo, upstreamUrl)) {
        results.add(measure(generator, upstream, passthrough));
      }
      try (Target one = Target.oneJvm(repo, upstreamUrl, freePort.getAsInt(), Files.createTempDirectory(dataRoot, "one"))) {
        results.add(measure(generator, upstream, one));
      }
      try (Target four = Target.fourProcesses(repo, upstreamUrl, freePort.getAsInt(),
          Files.createTempDirectory(dataRoot, "four"))) {
        results.add(measure(generator, upstream, four));
      }
      LoadRun.await(upstream.close());
      return verdict(repo, results);
    } finally {
      generatorVertx.close();
      upstreamVertx.close();
    }
  }

  private static LoadRun.Result measure(Generator generator, FakeUpstream upstream, Target target) throws Exception {
    System.out.println("[guard] " + STREAMS + " streams through " + target.name);
    return LoadRun.run(generator, upstream, target, STREAMS, WARMUP_MS, MEASURE_MS);
  }

  private static boolean verdict(Path repo, List<LoadRun.Result> results) throws Exception {
    LoadRun.Result passthrough = results.get(0);
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "# bench guard%n%n%d streams, %d s warm-up, %d s measured. Limits: CPU per stream at most %.1f× the "
            + "pass-through's in one JVM, %.1f× in four processes, without the JIT compiler's share; no frame lost.%n%n%s",
        STREAMS, WARMUP_MS / 1000, MEASURE_MS / 1000, ONE_JVM_LIMIT, FOUR_PROCESS_LIMIT, Bench.LOAD_HEADER));
    results.forEach(r -> out.append(Bench.row(r)));
    out.append('\n');
    boolean passed = true;
    for (int i = 0; i < results.size(); i++) {
      LoadRun.Result r = results.get(i);
      boolean lost = r.upLost() > 0 || r.downLost() > 0 || r.failedToConnect() > 0;
      if (i == 0) {
        if (lost || !(r.cpuMsPerStreamSecond() > 0)) {
          out.append("- FAIL: the pass-through itself lost frames or used no CPU: no baseline to compare with\n");
          passed = false;
        }
        continue;
      }
      double limit = i == 1 ? ONE_JVM_LIMIT : FOUR_PROCESS_LIMIT;
      double ratio = withoutJit(r) / withoutJit(passthrough);
      boolean ok = ratio <= limit && !lost;
      passed &= ok;
      out.append(String.format(Locale.ROOT, "- %s %s: CPU per stream without the JIT's %.2f× the pass-through's "
              + "(limit %.1f×)%s%n",
          ok ? "pass" : "FAIL", r.target(), ratio, limit, lost ? "; frames lost or streams refused" : ""));
    }
    Path report = repo.resolve("bench/target/GUARD.md");
    Files.createDirectories(report.getParent());
    Files.writeString(report, out.toString());
    System.out.println(out);
    return passed;
  }

  /** A target's CPU per stream less its JIT compiler's (none for the Node pass-through). */
  static double withoutJit(LoadRun.Result r) {
    return r.cpuMsPerStreamSecond() - r.jitMsPerStreamSecond();
  }
}
