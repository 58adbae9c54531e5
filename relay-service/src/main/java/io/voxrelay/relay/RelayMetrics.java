package io.voxrelay.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/** A relay node's figures: its upstream connections, reconnects and rollovers (see {@link MetricNames}). */
final class RelayMetrics {

  final AtomicInteger upstreamOpen = new AtomicInteger();
  final Counter upstreamOpened;
  final Counter upstreamFailed;
  final Counter reconnects;
  final Counter rollovers;
  final Counter inputTokens;
  final Counter outputTokens;
  final Counter cachedTokens;
  final Counter inputAudioTokens;
  final Counter outputAudioTokens;
  /** Upstream connection attempts that failed since the last one that succeeded. */
  final AtomicInteger failuresInARow = new AtomicInteger();

  private RelayMetrics(MeterRegistry registry) {
    registry.gauge(MetricNames.UPSTREAM_OPEN, upstreamOpen);
    upstreamOpened = registry.counter(MetricNames.UPSTREAM_OPENED);
    upstreamFailed = registry.counter(MetricNames.UPSTREAM_FAILED);
    reconnects = registry.counter(MetricNames.UPSTREAM_RECONNECTS);
    rollovers = registry.counter(MetricNames.UPSTREAM_ROLLOVERS);
    inputTokens = registry.counter(MetricNames.USAGE_TOKENS, "kind", "input");
    outputTokens = registry.counter(MetricNames.USAGE_TOKENS, "kind", "output");
    cachedTokens = registry.counter(MetricNames.USAGE_TOKENS, "kind", "cached");
    inputAudioTokens = registry.counter(MetricNames.USAGE_TOKENS, "kind", "input_audio");
    outputAudioTokens = registry.counter(MetricNames.USAGE_TOKENS, "kind", "output_audio");
  }

  /** A response's billed tokens, by kind. */
  void billed(io.voxrelay.common.bus.Usage usage) {
    inputTokens.increment(usage.inputTokens());
    outputTokens.increment(usage.outputTokens());
    cachedTokens.increment(usage.cachedTokens());
    inputAudioTokens.increment(usage.inputAudioTokens());
    outputAudioTokens.increment(usage.outputAudioTokens());
  }

  /** How many failures in a row make the upstream count as degraded in readiness. */
  static final int DEGRADED_AFTER_FAILURES = 3;

  void connected(boolean succeeded) {
    if (succeeded) {
      upstreamOpened.increment();
      failuresInARow.set(0);
    } else {
      upstreamFailed.increment();
      failuresInARow.incrementAndGet();
    }
  }

  /**
   * The relay's readiness: always UP (a relay that cannot reach the upstream now is not replaced by one that
   * can't either), with the upstream {@code reachable} or {@code degraded} in the data for operators.
   */
  io.vertx.core.Future<io.vertx.ext.healthchecks.Status> readiness() {
    int failures = failuresInARow.get();
    return io.vertx.core.Future.succeededFuture(io.vertx.ext.healthchecks.Status.OK(new io.vertx.core.json.JsonObject()
        .put("upstream", failures >= DEGRADED_AFTER_FAILURES ? "degraded" : "reachable")
        .put("failedInARow", failures)
        .put("open", upstreamOpen.get())));
  }

  /** The meters of {@code vertx}'s node, shared by its relay instances. */
  static RelayMetrics of(Vertx vertx) {
    return Telemetry.of(vertx).shared(RelayMetrics.class, RelayMetrics::new);
  }
}
