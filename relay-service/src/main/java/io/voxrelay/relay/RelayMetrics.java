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
  /** Live events (audio) to clients dropped while the bus to their gateway was backed up. */
  final Counter liveDropped;
  /** Responses the upstream's rate limit refused. */
  final Counter rateLimited;
  /** What the upstream's latest {@code rate_limits.updated} left, by limit, as any session on this node saw it. */
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> rateLimitRemaining =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final MeterRegistry registry;
  /** Upstream connection attempts that failed since the last one that succeeded. */
  final AtomicInteger failuresInARow = new AtomicInteger();

  private RelayMetrics(MeterRegistry registry) {
    this.registry = registry;
    rateLimited = registry.counter(MetricNames.UPSTREAM_RATE_LIMITED);
    liveDropped = registry.counter(MetricNames.AUDIO_DROPPED, "direction", "out");
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
    registry.gauge(MetricNames.TYPED_TURNS_WAITING, this, RelayMetrics::typedTurnsWaiting);
    registry.gauge(MetricNames.TYPED_TURN_LONGEST_WAIT, this, RelayMetrics::longestTypedWaitSeconds);
  }

  /** The typed turns waiting to enter a conversation on this node, and since when the oldest waits, by session. */
  private final java.util.Map<Object, long[]> typedWaiting = new java.util.concurrent.ConcurrentHashMap<>();

  /** A session has {@code count} typed turns waiting to enter its conversation, the oldest since {@code since}. */
  void typedTurnsWaiting(Object session, int count, long since) {
    if (count == 0) {
      typedWaiting.remove(session);
    } else {
      typedWaiting.put(session, new long[] {count, since});
    }
  }

  private double typedTurnsWaiting() {
    return typedWaiting.values().stream().mapToLong(w -> w[0]).sum();
  }

  private double longestTypedWaitSeconds() {
    long now = System.currentTimeMillis();
    return typedWaiting.values().stream().mapToLong(w -> now - w[1]).max().orElse(0) / 1000.0;
  }

  /** A response's billed tokens, by kind. */
  void billed(io.voxrelay.common.bus.Usage usage) {
    inputTokens.increment(usage.inputTokens());
    outputTokens.increment(usage.outputTokens());
    cachedTokens.increment(usage.cachedTokens());
    inputAudioTokens.increment(usage.inputAudioTokens());
    outputAudioTokens.increment(usage.outputAudioTokens());
  }

  /** The upstream announced its limits: the latest remaining of each ({@code requests}, {@code tokens}). */
  void rateLimits(UpstreamEvent.RateLimits limits) {
    for (UpstreamEvent.RateLimits.Limit limit : limits.limits()) {
      if (!"requests".equals(limit.name()) && !"tokens".equals(limit.name())) {
        continue; // the label's values stay bounded, whatever the upstream sends
      }
      rateLimitRemaining.computeIfAbsent(limit.name(), name -> registry.gauge(
          MetricNames.UPSTREAM_RATE_LIMIT_REMAINING, io.micrometer.core.instrument.Tags.of("limit", name),
          new java.util.concurrent.atomic.AtomicLong())).set(limit.remaining());
    }
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
