package io.voxrelay.relay;

/**
 * When a session may ask the upstream for a response again after the upstream's rate limit refused one: the
 * reset the upstream announced for an exhausted limit ({@code rate_limits.updated}), and at least an
 * exponential backoff (1 s, doubling, at most {@link #MAX_DELAY_MS}). A response that completes clears it.
 * Pure bookkeeping on the caller's clock; confined to the relay's event loop.
 */
final class RateLimitBackoff {

  static final long BASE_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 30_000;

  private int hitsInARow;
  private long until;
  /** The reset of the latest exhausted limit the upstream announced, in ms (0: none is exhausted). */
  private long announcedResetMs;

  /** The upstream announced its limits: an exhausted one tells how long a retry must wait. */
  void announced(UpstreamEvent.RateLimits limits) {
    announcedResetMs = 0;
    for (UpstreamEvent.RateLimits.Limit limit : limits.limits()) {
      if (limit.remaining() <= 0) {
        announcedResetMs = Math.max(announcedResetMs, Math.round(limit.resetSeconds() * 1_000));
      }
    }
  }

  /**
   * A response was refused for the rate limit at {@code now}.
   *
   * @return how long until the next attempt, in ms
   */
  long refused(long now) {
    long backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS << Math.min(hitsInARow, 5));
    hitsInARow++;
    long delay = Math.min(MAX_DELAY_MS, Math.max(backoff, announcedResetMs));
    until = now + delay;
    return delay;
  }

  /** A response completed: the limit no longer holds anything back. */
  void cleared() {
    hitsInARow = 0;
    until = 0;
  }

  /** How long a request for a response must still wait at {@code now}; 0 when it may go. */
  long waitMs(long now) {
    return Math.max(0, until - now);
  }
}
