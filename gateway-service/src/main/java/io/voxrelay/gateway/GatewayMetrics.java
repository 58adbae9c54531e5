package io.voxrelay.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Vertx;

/** A gateway node's figures: audio each way, what was dropped, resumes and replays (see {@link MetricNames}). */
final class GatewayMetrics {

  final Counter audioFramesIn;
  final Counter audioBytesIn;
  final Counter audioDroppedIn;
  final Counter audioFramesOut;
  final Counter audioBytesOut;
  final Counter audioDroppedOut;
  final Counter resumes;
  final Counter replays;
  final Counter durableTruncations;
  final Counter transientTruncations;

  private GatewayMetrics(MeterRegistry registry) {
    audioFramesIn = registry.counter(MetricNames.AUDIO_FRAMES, "direction", "in");
    audioBytesIn = registry.counter(MetricNames.AUDIO_BYTES, "direction", "in");
    audioDroppedIn = registry.counter(MetricNames.AUDIO_DROPPED, "direction", "in");
    audioFramesOut = registry.counter(MetricNames.AUDIO_FRAMES, "direction", "out");
    audioBytesOut = registry.counter(MetricNames.AUDIO_BYTES, "direction", "out");
    audioDroppedOut = registry.counter(MetricNames.AUDIO_DROPPED, "direction", "out");
    resumes = registry.counter(MetricNames.RESUMES);
    replays = registry.counter(MetricNames.REPLAYS);
    durableTruncations = registry.counter(MetricNames.REPLAY_TRUNCATIONS, "kind", "durable");
    transientTruncations = registry.counter(MetricNames.REPLAY_TRUNCATIONS, "kind", "transient");
  }

  /** The meters of {@code vertx}'s node, shared by its gateway instances. */
  static GatewayMetrics of(Vertx vertx) {
    return Telemetry.of(vertx).shared(GatewayMetrics.class, GatewayMetrics::new);
  }
}
