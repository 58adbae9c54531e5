package io.voxrelay.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a voxrelay process's management port as a probe or a scraper would. */
public final class ManagementPort {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);

  private ManagementPort() {
  }

  /** GETs {@code path} on 127.0.0.1:{@code port}. */
  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on port " + port + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The metric {@code name} in Prometheus text, summed over its samples whose labels contain {@code labels} ("" for any). */
  public static double sum(String prometheusText, String name, String labels) {
    double sum = 0;
    if (prometheusText != null) {
      Matcher m = SAMPLE.matcher(prometheusText);
      while (m.find()) {
        if (m.group(1).equals(name) && (labels.isEmpty() || (m.group(2) != null && m.group(2).contains(labels)))) {
          sum += Double.parseDouble(m.group(3));
        }
      }
    }
    return sum;
  }
}
