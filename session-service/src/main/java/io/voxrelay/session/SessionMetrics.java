package io.voxrelay.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.Vertx;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session-service node's figures: sessions by state, terminations by reason, store latency (see
 * {@link MetricNames}). Every instance counts the same store, so the state gauges of two instances agree:
 * aggregate them with {@code max}, not {@code sum}.
 */
final class SessionMetrics {

  private final MeterRegistry registry;
  private final Map<TerminationReason, Counter> terminations = new EnumMap<>(TerminationReason.class);
  private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();

  private SessionMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TerminationReason reason : TerminationReason.values()) {
      terminations.put(reason, registry.counter(MetricNames.TERMINATIONS, "reason", reason.code()));
    }
  }

  static SessionMetrics of(Vertx vertx) {
    return Telemetry.of(vertx).shared(SessionMetrics.class, SessionMetrics::new);
  }

  /** A session this node terminated, counted once (a repeated order finds it terminated already). */
  void terminated(TerminationReason reason) {
    terminations.get(reason).increment();
  }

  Timer storeLatency(String queue) {
    return Timer.builder(MetricNames.STORE_LATENCY).tag("queue", queue).register(registry);
  }

  /** The latest count of sessions by state. */
  void counted(Map<String, Long> counts) {
    counts.forEach((state, n) -> byState.computeIfAbsent(state,
        s -> registry.gauge(MetricNames.SESSIONS, io.micrometer.core.instrument.Tags.of("state", s), new AtomicLong()))
        .set(n));
  }
}
