package io.voxrelay.bench;

import java.util.Arrays;

/**
 * One-way latencies in microseconds, kept whole up to a bound (then every further sample replaces a random
 * earlier one, so percentiles stay fair). Thread-safe.
 */
final class Latencies {

  static final int MAX_SAMPLES = 2_000_000;

  private long[] samples = new long[4_096];
  private int size;
  private long seen;
  private final java.util.Random random = new java.util.Random(7);

  synchronized void add(long micros) {
    seen++;
    if (size < MAX_SAMPLES) {
      if (size == samples.length) {
        samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, samples.length * 2));
      }
      samples[size++] = micros;
    } else {
      long slot = (long) (random.nextDouble() * seen);
      if (slot < size) {
        samples[(int) slot] = micros;
      }
    }
  }

  synchronized void clear() {
    size = 0;
    seen = 0;
  }

  synchronized long count() {
    return seen;
  }

  /** Percentiles (0–100) in microseconds; 0 when empty. */
  synchronized Summary summary() {
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    return new Summary(seen, at(sorted, 50), at(sorted, 90), at(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
  }

  private static long at(long[] sorted, double percentile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Counts and percentiles, in microseconds. */
  record Summary(long count, long p50, long p90, long p99, long max) {
    String millis() {
      return String.format(java.util.Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", p50 / 1000.0, p90 / 1000.0,
          p99 / 1000.0, max / 1000.0);
    }
  }
}
