package io.voxrelay.relay;

import io.voxrelay.common.config.UpstreamEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Which upstream one session's links open at: the primary, or (for the rest of the session's life, once it
 * failed over) the fallback. A session starts at the fallback while the primary's breaker is open. Confined to
 * the relay's event loop.
 */
final class UpstreamRoute implements LinkSupervisor.Upstreams {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamRoute.class);

  private final String sessionId;
  private final Optional<UpstreamEndpoint> fallback;
  private final ProviderBreakers breakers;
  private UpstreamEndpoint current;

  UpstreamRoute(String sessionId, UpstreamEndpoint primary, Optional<UpstreamEndpoint> fallback,
                ProviderBreakers breakers) {
    this.sessionId = sessionId;
    this.fallback = fallback;
    this.breakers = breakers;
    this.current = fallback.isPresent() && breakers.isOpen(primary) ? fallback.get() : primary;
  }

  /** Where the next link opens. */
  UpstreamEndpoint current() {
    return current;
  }

  @Override
  public long maxSessionMs() {
    return current.maxSessionMs();
  }

  @Override
  public boolean failOver(Throwable why, boolean attemptsSpent) {
    if (UpstreamFailures.isConfiguration(why)) {
      // Not an outage: the key, the URL or the model is wrong, and the fallback would only hide it.
      LOG.error("[Relay] {} refused the upstream of {} with {}: check its URL, model and key ({})",
          current.provider().wireName(), sessionId, UpstreamFailures.upgradeStatus(why), current.urlSetting());
      return false;
    }
    if (!attemptsSpent && !UpstreamFailures.isOutage(why)) {
      return false;
    }
    breakers.trip(current);
    if (fallback.isEmpty() || current == fallback.get()) {
      return false;
    }
    LOG.warn("[Relay] upstream of {} fails over from {} to {}{}: {}", sessionId, current.provider().wireName(),
        fallback.get().provider().wireName(), attemptsSpent ? " (every reconnect attempt failed)" : "", why.toString());
    current = fallback.get();
    return true;
  }
}
