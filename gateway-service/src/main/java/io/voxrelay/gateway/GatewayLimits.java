package io.voxrelay.gateway;

import io.voxrelay.common.config.GatewayConfig;

import java.time.Clock;

/**
 * The limits that hold per gateway process, shared by all its gateway instances: failed hellos per client
 * address and per session, disconnect reports per address and per session, and open WebSockets per address.
 */
record GatewayLimits(SlidingWindowLimiter helloFailures, SlidingWindowLimiter helloFailuresPerSession,
                     SlidingWindowLimiter diagnosticsPerAddress, SlidingWindowLimiter diagnosticsPerSession,
                     OpenConnections connections) {

  /** Disconnect reports accepted per address, and per session, each minute. */
  static final int DIAGNOSTICS_PER_MINUTE = 10;

  static GatewayLimits of(GatewayConfig config) {
    Clock clock = Clock.systemUTC();
    return new GatewayLimits(
        new SlidingWindowLimiter(config.helloFailureLimit(), config.helloFailureWindowMs(), clock),
        new SlidingWindowLimiter(config.helloFailureLimit(), config.helloFailureWindowMs(), clock),
        new SlidingWindowLimiter(DIAGNOSTICS_PER_MINUTE, 60_000, clock),
        new SlidingWindowLimiter(DIAGNOSTICS_PER_MINUTE, 60_000, clock),
        new OpenConnections(config.maxConnectionsPerAddress()));
  }
}
