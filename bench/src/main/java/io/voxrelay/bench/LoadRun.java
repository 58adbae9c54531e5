package io.voxrelay.bench;

import io.voxrelay.bench.StreamClient.Stats;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * N real-time streams both ways through one target for a while: one-way latency each way, loss, the
 * target's CPU per stream, and the generator's own lag.
 */
final class LoadRun {

  /** What one run measured. */
  record Result(String target, int streams, Latencies.Summary uplink, Latencies.Summary downlink, long upLost,
                long downLost, double cpuMsPerStreamSecond, double jitMsPerStreamSecond, Latencies.Summary loopLag,
                Latencies.Summary sendLag, int failedToConnect) {

    /** The generator itself ran late: its figures say more about it than about the target. */
    boolean generatorSaturated() {
      return loopLag.p99() > 20_000 || sendLag.p99() > 20_000;
    }

    boolean realTime() {
      return failedToConnect == 0 && upLost == 0 && downLost == 0 && uplink.p99() < 50_000 && downlink.p99() < 50_000;
    }

    /** The target's CPU per stream, with the part its JIT compiler threads took when it has any. */
    String cpu() {
      if (Double.isNaN(cpuMsPerStreamSecond)) {
        return "n/a";
      }
      return jitMsPerStreamSecond > 0
          ? String.format(Locale.ROOT, "%.2f (JIT %.2f)", cpuMsPerStreamSecond, jitMsPerStreamSecond)
          : String.format(Locale.ROOT, "%.2f", cpuMsPerStreamSecond);
    }
  }

  private LoadRun() {
  }

  static Result run(Generator generator, FakeUpstream upstream, Target target, int streams, long warmupMs,
                    long measureMs) throws Exception {
    Stats stats = new Stats();
    // Stream ids are never reused: an upstream of an earlier run may still be open (voxrelay keeps it for the
    // detach grace) and must not count in this run.
    int firstId = NEXT_ID.getAndAdd(streams);
    List<StreamClient> clients = generator.streams(target, streams, stats, firstId);
    upstream.reset();
    int failed = await(generator.forEach(clients, 16, StreamClient::create));
    failed += await(generator.forEach(clients, 16, StreamClient::connect));
    stats.recording = false;
    upstream.stopRecording();
    startSpread(generator, clients);
    Thread.sleep(warmupMs);
    startMeasuring(generator, upstream, stats);
    double cpuBefore = ProcCpu.millis(target.pids());
    double jitBefore = ProcCpu.jitMillis(target.pids());
    long startedAt = System.nanoTime();
    Thread.sleep(measureMs);
    double cpuAfter = ProcCpu.millis(target.pids());
    double jitAfter = ProcCpu.jitMillis(target.pids());
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    generator.stopProbes();
    stopAndDrain(generator, upstream, clients, stats);
    Loss loss = Loss.of(stats, upstream, firstId, streams);
    double cpu = target.pids().isEmpty() ? Double.NaN : (cpuAfter - cpuBefore) / seconds / streams;
    double jit = (jitAfter - jitBefore) / seconds / streams;
    Result result = new Result(target.name, streams, upstream.uplink.summary(), stats.downlink.summary(),
        loss.up(), loss.down(), cpu, jit, generator.loopLag.summary(), stats.sendLag.summary(), failed);
    await(generator.forEach(clients, 64, StreamClient::close));
    Thread.sleep(500);
    return result;
  }

  /**
   * The measured window starts: every count and latency so far (the warm-up's) is forgotten, each way, and the
   * generator's own lag is probed from now on. The streams hold {@code stats}, so it is reset in place.
   */
  static void startMeasuring(Generator generator, FakeUpstream upstream, Stats stats) {
    upstream.reset();
    upstream.uplink.clear();
    generator.loopLag.clear();
    resetInPlace(stats);
    stats.recording = true;
    generator.startProbes();
  }

  /** Starts the streams with their send ticks spread over the 20 ms period, as real users' are. */
  static void startSpread(Generator generator, List<StreamClient> clients) {
    for (int i = 0; i < clients.size(); i++) {
      StreamClient c = clients.get(i);
      generator.vertx.setTimer(1 + (i * 20L) / Math.max(1, clients.size()),
          t -> generator.contextOf(c).runOnContext(v -> c.startStreaming()));
    }
  }

  /** Stops sending both ways, lets what is in flight arrive, then stops counting. */
  static void stopAndDrain(Generator generator, FakeUpstream upstream, List<StreamClient> clients, Stats stats)
      throws Exception {
    upstream.stopSending();
    await(generator.forEach(clients, 64, c -> {
      c.stopStreaming();
      return io.vertx.core.Future.succeededFuture();
    }));
    Thread.sleep(1_000);
    stats.recording = false;
    upstream.stopRecording();
  }

  /** Frames sent and never received, each way, by the streams with ids {@code firstId} on. */
  record Loss(long up, long down) {
    static Loss of(Stats stats, FakeUpstream upstream, int firstId, int streams) {
      return new Loss(Math.max(0, stats.sent.get() - countFor(upstream.received, firstId, streams)),
          Math.max(0, countFor(upstream.sent, firstId, streams) - stats.received.get()));
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger(1);

  private static long countFor(java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> counts, int firstId,
                               int streams) {
    long total = 0;
    for (int id = firstId; id < firstId + streams; id++) {
      java.util.concurrent.atomic.AtomicLong count = counts.get(id);
      total += count == null ? 0 : count.get();
    }
    return total;
  }

  static void resetInPlace(Stats stats) {
    stats.sent.set(0);
    stats.received.set(0);
    stats.downlink.clear();
    stats.sendLag.clear();
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
