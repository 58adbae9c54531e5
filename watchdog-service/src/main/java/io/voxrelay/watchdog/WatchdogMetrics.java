package io.voxrelay.watchdog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A watchdog node's figures: live sessions at its last sweep and each sweep's duration (see
 * {@link MetricNames}). The terminations it orders are counted where they are carried out, by the session
 * service ({@link MetricNames#TERMINATIONS}), once each whoever ordered them.
 */
final class WatchdogMetrics {

  private final AtomicInteger liveSessions = new AtomicInteger();
  final Timer sweep;

  private WatchdogMetrics(MeterRegistry registry) {
    registry.gauge(MetricNames.SESSIONS_ACTIVE, liveSessions);
    sweep = registry.timer(MetricNames.WATCHDOG_SWEEP);
  }

  static WatchdogMetrics of(Vertx vertx) {
    return Telemetry.of(vertx).shared(WatchdogMetrics.class, WatchdogMetrics::new);
  }

  void swept(int live) {
    liveSessions.set(live);
  }
}
