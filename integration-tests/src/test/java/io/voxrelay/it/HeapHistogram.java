package io.voxrelay.it;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.management.ObjectName;

/** This JVM's live objects by class (a full GC first), and what grew between two such counts. */
final class HeapHistogram {

  private HeapHistogram() {
  }

  /** Bytes of live objects by class name. */
  static Map<String, Long> take() {
    try {
      String text = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()}).toString();
      Map<String, Long> bytes = new HashMap<>();
      for (String line : text.split("\n")) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length >= 4 && parts[0].endsWith(":")) {
          bytes.merge(parts[3], Long.parseLong(parts[2]), Long::sum);
        }
      }
      return bytes;
    } catch (Exception e) {
      throw new IllegalStateException("no class histogram", e);
    }
  }

  /** The {@code top} classes that grew most from {@code before} to {@code after}, one per line. */
  static String growth(Map<String, Long> before, Map<String, Long> after, int top) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(top)
        .map(e -> String.format("%,14d  %s", e.getValue(), e.getKey()))
        .collect(Collectors.joining("\n"));
  }
}
