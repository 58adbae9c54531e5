package io.voxrelay.testing;

/**
 * Seeds of the tests that draw at random. Each has a fixed default, so a red run comes back the same; the
 * seed is printed at the start, and {@code -D<property>=<n>} replays one. {@code -Dvoxrelay.test.randomSeeds=true}
 * draws new seeds for an exploration run.
 */
public final class Seeds {

  private Seeds() {
  }

  /** The seed under {@code property}, or {@code fixed}, or a fresh one in an exploration run; printed. */
  public static long of(String test, String property, long fixed) {
    Long given = Long.getLong(property);
    long seed = given != null ? given : Boolean.getBoolean("voxrelay.test.randomSeeds") ? System.nanoTime() : fixed;
    System.out.printf("[%s] seed %d (replay: -D%s=%d)%n", test, seed, property, seed);
    return seed;
  }
}
