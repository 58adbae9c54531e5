package io.voxrelay.it;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Printed at the end of each test tier: its ten slowest test classes (surefire's reports of every module) and
 * browser tests (the node test runner's JUnit reports), with their times. Runs in the Maven JVM, so only the
 * reports written since that JVM started count: a report left from an earlier run of another tier is not
 * this tier's.
 *
 * <p>Arguments: the tier's name, the repository's root, the directory of the browser tests' reports.
 */
public final class SlowestTests {

  private static final int SHOWN = 10;

  private record Timing(String name, double seconds) {
  }

  private SlowestTests() {
  }

  public static void main(String[] args) throws Exception {
    String tier = args[0];
    Path root = Path.of(args[1]);
    Path webReports = Path.of(args[2]);
    long since = ManagementFactory.getRuntimeMXBean().getStartTime();
    List<Timing> timings = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.toList()) {
        for (Path report : reports(module.resolve("target/surefire-reports"), since)) {
          Element suite = parse(report);
          timings.add(new Timing(suite.getAttribute("name"), seconds(suite)));
        }
      }
    }
    for (Path report : reports(webReports, since)) {
      NodeList cases = parse(report).getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        Element test = (Element) cases.item(i);
        timings.add(new Timing("browser: " + test.getAttribute("name"), seconds(test)));
      }
    }
    timings.sort(Comparator.comparingDouble(Timing::seconds).reversed());
    double total = timings.stream().mapToDouble(Timing::seconds).sum();
    System.out.printf("[tests] %s tier: %d test classes and browser tests, %.0f s in all; the slowest %d:%n", tier,
        timings.size(), total, Math.min(SHOWN, timings.size()));
    timings.stream().limit(SHOWN).forEach(t -> System.out.printf("[tests] %8.1f s  %s%n", t.seconds(), t.name()));
  }

  private static List<Path> reports(Path dir, long sinceMillis) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".xml")).filter(f -> {
        try {
          return Files.getLastModifiedTime(f).toMillis() >= sinceMillis;
        } catch (IOException gone) {
          return false;
        }
      }).toList();
    }
  }

  private static Element parse(Path report) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    // The reports are our own build's files, but no parser here needs a DTD or an external entity.
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
  }

  private static double seconds(Element element) {
    String time = element.getAttribute("time").replace(",", "");
    return time.isEmpty() ? 0 : Double.parseDouble(time);
  }
}
