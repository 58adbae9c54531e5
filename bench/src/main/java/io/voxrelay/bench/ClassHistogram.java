package io.voxrelay.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process's live heap by class ({@code jcmd <pid> GC.class_histogram}, which runs a full GC first), and what
 * grew between two of them: where a session's bytes go.
 */
final class ClassHistogram {

  /** One class's growth: bytes and instances. */
  record Growth(String className, long bytes, long instances) {
  }

  private ClassHistogram() {
  }

  /** Bytes and instances by class name, from the text of {@code GC.class_histogram}. */
  static Map<String, long[]> parse(String text) {
    Map<String, long[]> byClass = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 4 && parts[0].endsWith(":")) {
        try {
          long instances = Long.parseLong(parts[1]);
          long bytes = Long.parseLong(parts[2]);
          byClass.merge(parts[3], new long[] {bytes, instances}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        } catch (NumberFormatException e) {
          // Not a row of the table.
        }
      }
    }
    return byClass;
  }

  /** The {@code top} classes that grew most in bytes from {@code before} to {@code after}. */
  static List<Growth> growth(Map<String, long[]> before, Map<String, long[]> after, int top) {
    return after.entrySet().stream()
        .map(e -> {
          long[] was = before.getOrDefault(e.getKey(), new long[2]);
          return new Growth(e.getKey(), e.getValue()[0] - was[0], e.getValue()[1] - was[1]);
        })
        .sorted((a, b) -> Long.compare(b.bytes(), a.bytes()))
        .limit(top)
        .toList();
  }
}
