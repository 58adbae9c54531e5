package io.voxrelay.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many idle, connected, heartbeating voxrelay sessions in the one-JVM target (one relay process): the heap
 * each costs (used heap after a full GC, before and after), how fast they were set up (create, connect,
 * {@code connected}), and then 1 in 10 of them streaming both ways in real time: none refused, none lost.
 */
final class IdleSessions {

  /**
   * @param streaming streams of the sessions that streamed both ways (1 in 10) for {@link #STREAM_MS}
   * @param uplink    their client→upstream latency; {@code downlink} the other way
   */
  record Result(int sessions, double kibPerSession, double setupsPerSecond, int failed, int streaming,
                Latencies.Summary uplink, Latencies.Summary downlink, long upLost, long downLost,
                List<ClassHistogram.Growth> heapByClass, List<SetupTimings.Timing> setupTimings,
                SetupCpu setupCpu, Latencies.Summary loopLag, Latencies.Summary sendLag, int warmUpSetups,
                double warmUpSetupsPerSecond) {
  }

  /**
   * The CPU a set-up cost: the target's processes (and of that, its JIT compiler threads), and this process (the
   * load generator and the fake upstream), in milliseconds per set-up; and how busy the machine was over the
   * set-up (1 = every core).
   */
  record SetupCpu(double targetMs, double targetJitMs, double generatorMs, double machineBusy) {
  }

  /** How many classes the report names, of those whose bytes grew most with the sessions. */
  static final int HEAP_CLASSES = 12;

  static final long STREAM_MS = 10_000;
  private static final long WARMUP_MS = 2_000;
  private static final int FIRST_ID = 200_000;

  private IdleSessions() {
  }

  static Result run(Generator generator, FakeUpstream upstream, Target target, int sessions) throws Exception {
    // The set-up path's own warm-up: a server sets up sessions all day, and the JVM compiles that path only
    // after some thousands of them (what its compiler still took is reported beside the rate).
    int warmUpSetups = 2 * sessions;
    int openBefore = upstream.open.get();
    double warmUpRate = setUpAndEnd(generator, target, warmUpSetups);
    // The heap is measured once every upstream of those sessions is closed, so none of them counts.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (upstream.open.get() > openBefore && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    System.out.printf("[bench] after the set-up warm-up: %d upstreams open (%d before it)%n", upstream.open.get(),
        openBefore);
    long before = usedHeapAfterGc(target.mainPid());
    java.util.Map<String, long[]> classesBefore = ClassHistogram.parse(jcmd(target.mainPid(), "GC.class_histogram"));
    StreamClient.Stats stats = new StreamClient.Stats();
    List<StreamClient> clients = generator.streams(target, sessions, stats, FIRST_ID);
    try {
      // The wall clock of both ends goes to the log, to find the set-up in a profile of the target.
      System.out.printf("[bench] set-up of %d sessions from %s%n", sessions, java.time.LocalTime.now());
      java.util.Map<String, double[]> timersBefore = SetupTimings.scrape(target.managementPort);
      List<Long> self = List.of(ProcessHandle.current().pid());
      double targetCpu = ProcCpu.millis(target.pids());
      double targetJit = ProcCpu.jitMillis(target.pids());
      double generatorCpu = ProcCpu.millis(self);
      long[] machine = ProcCpu.machineTicks();
      long started = System.nanoTime();
      int failed = setUp(generator, clients);
      double seconds = (System.nanoTime() - started) / 1e9;
      int setUp = Math.max(1, sessions - failed);
      SetupCpu setupCpu = new SetupCpu((ProcCpu.millis(target.pids()) - targetCpu) / setUp,
          (ProcCpu.jitMillis(target.pids()) - targetJit) / setUp,
          (ProcCpu.millis(self) - generatorCpu) / setUp, ProcCpu.busyShare(machine, ProcCpu.machineTicks()));
      List<SetupTimings.Timing> timings = SetupTimings.growth(timersBefore,
          SetupTimings.scrape(target.managementPort));
      System.out.printf("[bench] set-up done at %s%n", java.time.LocalTime.now());
      Thread.sleep(3_000);
      long after = usedHeapAfterGc(target.mainPid());
      List<ClassHistogram.Growth> byClass = ClassHistogram.growth(classesBefore,
          ClassHistogram.parse(jcmd(target.mainPid(), "GC.class_histogram")), HEAP_CLASSES);

      List<StreamClient> streaming = new ArrayList<>();
      for (int i = 0; i < clients.size(); i += 10) {
        streaming.add(clients.get(i));
      }
      upstream.reset();
      LoadRun.startSpread(generator, streaming);
      // As in a load run: the first seconds warm the streams' paths, then the window is measured with the
      // generator's own lag beside it.
      Thread.sleep(WARMUP_MS);
      LoadRun.startMeasuring(generator, upstream, stats);
      Thread.sleep(STREAM_MS);
      generator.stopProbes();
      LoadRun.stopAndDrain(generator, upstream, streaming, stats);
      LoadRun.Loss loss = LoadRun.Loss.of(stats, upstream, FIRST_ID, sessions);
      return new Result(sessions, (after - before) / 1024.0 / (sessions - failed), (sessions - failed) / seconds,
          failed, streaming.size(), upstream.uplink.summary(), stats.downlink.summary(), loss.up(), loss.down(),
          byClass, timings, setupCpu, generator.loopLag.summary(), stats.sendLag.summary(), warmUpSetups,
          warmUpRate);
    } finally {
      LoadRun.await(generator.forEach(clients, 64, StreamClient::close));
    }
  }

  /** Sets up {@code count} sessions 32 at a time, then ends them all; returns the set-ups per second. */
  private static double setUpAndEnd(Generator generator, Target target, int count) throws Exception {
    List<StreamClient> clients = generator.streams(target, count, new StreamClient.Stats(), WARM_UP_FIRST_ID);
    long started = System.nanoTime();
    int failed = setUp(generator, clients);
    double rate = (count - failed) / ((System.nanoTime() - started) / 1e9);
    LoadRun.await(generator.forEach(clients, 64, StreamClient::close));
    Thread.sleep(2_000);
    return rate;
  }

  private static final int WARM_UP_FIRST_ID = 300_000;

  /** Sets up each of {@code clients} (create over HTTP, connect, {@code connected}), 32 at a time; the failures. */
  private static int setUp(Generator generator, List<StreamClient> clients) throws Exception {
    return LoadRun.await(generator.forEach(clients, 32, c -> c.create().compose(v -> c.connect())));
  }

  /** Bytes of heap in use after a full GC of process {@code pid} (jcmd GC.run, then GC.heap_info). */
  static long usedHeapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Thread.sleep(500);
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
    long usedK = 0;
    while (m.find()) {
      usedK += Long.parseLong(m.group(1));
    }
    if (usedK == 0) {
      throw new IllegalStateException("unreadable heap info: " + info);
    }
    return usedK * 1024;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }
}
