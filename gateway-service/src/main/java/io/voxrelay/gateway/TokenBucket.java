package io.voxrelay.gateway;

/**
 * A rate over a window: up to {@code capacity} units at once, refilled at {@code perSecond}. A burst after a
 * stall passes (the bucket filled meanwhile); a sustained rate above the refill does not. Pure: the caller
 * gives the time.
 */
final class TokenBucket {

  private final double capacity;
  private final double perMilli;
  private double tokens;
  private long lastAt;

  TokenBucket(double capacity, double perSecond, long now) {
    this.capacity = capacity;
    this.perMilli = perSecond / 1000;
    this.tokens = capacity;
    this.lastAt = now;
  }

  /** Takes {@code units} if there are that many; false, taking nothing, if not. */
  boolean take(double units, long now) {
    if (now > lastAt) {
      tokens = Math.min(capacity, tokens + (now - lastAt) * perMilli);
      lastAt = now;
    }
    if (tokens < units) {
      return false;
    }
    tokens -= units;
    return true;
  }
}
