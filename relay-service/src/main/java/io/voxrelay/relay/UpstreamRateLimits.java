package io.voxrelay.relay;

import io.voxrelay.common.protocol.ServerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's rate limits as one session meets them: the limits it announces go to the metrics and set the
 * backoff ({@link RateLimitBackoff}); a response it refuses for them becomes a notice to the client, and the
 * session's next answer waits out the backoff. Confined to the relay's event loop.
 */
final class UpstreamRateLimits {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamRateLimits.class);

  private final String sessionId;
  private final RelayMetrics metrics;
  private final RateLimitBackoff backoff = new RateLimitBackoff();

  UpstreamRateLimits(String sessionId, RelayMetrics metrics) {
    this.sessionId = sessionId;
    this.metrics = metrics;
  }

  /**
   * An event of the session's current upstream, at {@code now}.
   *
   * @return the client's notice when the upstream refused a response for its rate limit (it goes to the client
   *     instead of the event's own form), else null
   */
  String observe(UpstreamEvent event, long now) {
    if (event instanceof UpstreamEvent.RateLimits limits) {
      backoff.announced(limits);
      metrics.rateLimits(limits);
      return null;
    }
    boolean refused;
    if (event instanceof UpstreamEvent.ResponseDone done) {
      if ("completed".equals(done.status())) {
        backoff.cleared();
      }
      refused = done.rateLimited();
    } else {
      refused = event instanceof UpstreamEvent.Failure failure && UpstreamEvent.RateLimits.isRateLimit(failure.code());
    }
    if (!refused) {
      return null;
    }
    long retryInMs = backoff.refused(now);
    metrics.rateLimited.increment();
    LOG.warn("[Relay] the upstream's rate limit refused a response of {}; asking again in {} ms", sessionId,
        retryInMs);
    return ServerEvents.upstreamRateLimited(retryInMs);
  }

  /** How long the session's next request for a response must still wait at {@code now}; 0 when it may go. */
  long waitMs(long now) {
    return backoff.waitMs(now);
  }
}
