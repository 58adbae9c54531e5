package io.voxrelay.relay;

import io.voxrelay.common.config.UpstreamEndpoint;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One circuit breaker per upstream (the primary, the fallback) for this relay instance: a session that failed
 * over opens its upstream's breaker for the cool-down ({@code VOXRELAY_PROVIDER_COOLDOWN_MS}), and meanwhile new
 * sessions open at the fallback straight away instead of waiting out the failure again. Each relay instance
 * keeps its own; the cluster does not share them (a relay learns of an outage from its own sessions within one
 * failed connect). Confined to the relay instance's event loop.
 */
final class ProviderBreakers {

  private final long cooldownMs;
  private final LongSupplier clockMs;
  /** Until when (by {@link #clockMs}) each upstream's breaker is open; at most one entry per configured upstream. */
  private final Map<UpstreamEndpoint, Long> openUntil = new HashMap<>();

  /** @param clockMs monotonic milliseconds */
  ProviderBreakers(long cooldownMs, LongSupplier clockMs) {
    this.cooldownMs = cooldownMs;
    this.clockMs = clockMs;
  }

  /** Whether new sessions should avoid {@code upstream} now. */
  boolean isOpen(UpstreamEndpoint upstream) {
    Long until = openUntil.get(upstream);
    if (until == null) {
      return false;
    }
    if (clockMs.getAsLong() >= until) {
      openUntil.remove(upstream);
      return false;
    }
    return true;
  }

  /** {@code upstream} failed a session over: new sessions avoid it for the cool-down. */
  void trip(UpstreamEndpoint upstream) {
    openUntil.put(upstream, clockMs.getAsLong() + cooldownMs);
  }
}
