package io.voxrelay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a set-up's time goes, from a one-JVM target's own timers on its management port: each bus request
 * (by address) and each store operation (read, write), their count and mean wall time over the set-up.
 */
final class SetupTimings {

  /** One timer's growth over the set-up: how many, and their mean in ms. */
  record Timing(String name, long count, double meanMs) {
  }

  private static final Pattern SAMPLE = Pattern.compile(
      "^(voxrelay_bus_request_seconds|voxrelay_store_latency_seconds)_(count|sum)\\{([^}]*)}\\s+(\\S+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SetupTimings() {
  }

  /** Each timer's count and sum (seconds), by a name made of its metric and its labels. */
  static Map<String, double[]> scrape(int managementPort) throws IOException, InterruptedException {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return parse(text);
  }

  static Map<String, double[]> parse(String text) {
    Map<String, double[]> timers = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        String name = (m.group(1).startsWith("voxrelay_bus") ? "bus " : "store ") + m.group(3);
        double[] countSum = timers.computeIfAbsent(name, k -> new double[2]);
        countSum[m.group(2).equals("count") ? 0 : 1] += Double.parseDouble(m.group(4));
      }
    }
    return timers;
  }

  /** What grew from {@code before} to {@code after}, the most time first. */
  static List<Timing> growth(Map<String, double[]> before, Map<String, double[]> after) {
    List<Timing> grown = new ArrayList<>();
    after.forEach((name, now) -> {
      double[] was = before.getOrDefault(name, new double[2]);
      long count = Math.round(now[0] - was[0]);
      if (count > 0) {
        grown.add(new Timing(name, count, (now[1] - was[1]) * 1000 / count));
      }
    });
    grown.sort(Comparator.comparingDouble((Timing t) -> t.count() * t.meanMs()).reversed());
    return grown;
  }
}
