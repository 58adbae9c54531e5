package io.voxrelay.bench;

import java.util.Set;

/**
 * The bench's command line. Anything it does not know is refused with the usage, so a typo never starts a
 * half-hour run of the wrong thing.
 *
 * @param quick    shorter loads and fewer streams
 * @param parts    the parts to run (empty: all)
 * @param warmupMs how long each load runs before it is measured (0: the mode's default)
 * @param guard    run the CI guard instead of the report
 * @param help     print the usage and stop
 */
record BenchArgs(boolean quick, Set<String> parts, long warmupMs, boolean guard, boolean help) {

  static final Set<String> PARTS = Set.of("latency", "capacity", "storm", "typed", "idle", "sweep");

  static final String USAGE = """
      usage: java -jar bench/target/voxrelay-bench.jar [--quick] [--only PART,...] [--warmup-s N]
             java -jar bench/target/voxrelay-bench.jar --guard
        run from the repository root after ./mvnw -q -DskipTests package
        --only      latency, capacity, storm, typed, idle, sweep (default: all, written to bench/REPORT.md)
        --warmup-s  seconds each load runs before it is measured (default 5, 3 with --quick)
        --quick     50 streams and shorter loads
        --guard     the CI guard: CPU per stream against the pass-through's, exit 1 when over its ratios
      """;

  /** Parses the arguments, or throws {@link IllegalArgumentException} naming what is wrong. */
  static BenchArgs parse(String... args) {
    boolean quick = false;
    boolean guard = false;
    boolean help = false;
    Set<String> parts = new java.util.TreeSet<>();
    long warmupMs = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--guard" -> guard = true;
        case "--help", "-h" -> help = true;
        case "--only" -> {
          for (String part : value(args, i++).split(",")) {
            if (!PARTS.contains(part)) {
              throw new IllegalArgumentException("unknown part '" + part + "'; the parts are " + new java.util.TreeSet<>(PARTS));
            }
            parts.add(part);
          }
        }
        case "--warmup-s" -> {
          String value = value(args, i++);
          try {
            warmupMs = Long.parseLong(value) * 1_000;
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--warmup-s takes whole seconds, not '" + value + "'");
          }
          if (warmupMs < 0) {
            throw new IllegalArgumentException("--warmup-s cannot be negative");
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    return new BenchArgs(quick, Set.copyOf(parts), warmupMs, guard, help);
  }

  private static String value(String[] args, int i) {
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(args[i] + " needs a value");
    }
    return args[i + 1];
  }
}
