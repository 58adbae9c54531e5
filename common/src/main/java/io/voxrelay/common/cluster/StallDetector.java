package io.voxrelay.common.cluster;

import java.time.Duration;

/**
 * Tells a stall of the whole process (SIGSTOP, a frozen VM, a pause of every thread) from the gaps between the
 * ticks of a thread that does nothing else: a tick that comes at least {@code threshold} after the one before
 * it ends a stall.
 */
public final class StallDetector {

  private final long thresholdNanos;
  private long lastTickNanos;

  /** @param startNanos the first tick's time, on the clock later ticks use */
  public StallDetector(Duration threshold, long startNanos) {
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("a stall threshold must be positive");
    }
    this.thresholdNanos = threshold.toNanos();
    this.lastTickNanos = startNanos;
  }

  /**
   * A tick at {@code nowNanos}.
   *
   * @return the gap since the tick before, when it is at least the threshold (a stall just ended); else 0
   */
  public long tick(long nowNanos) {
    long gap = nowNanos - lastTickNanos;
    lastTickNanos = nowNanos;
    return gap >= thresholdNanos ? gap : 0;
  }
}
