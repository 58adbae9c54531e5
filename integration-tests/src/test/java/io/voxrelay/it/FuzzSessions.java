package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Creates the fuzz run's sessions through the JDK's HTTP client: one client for thousands of sessions, so the
 * test's own side stays bounded, and independent of the Vert.x client the attackers use, so a creation that
 * gets no answer is the server's doing. Such a creation is a violation, and is tried again (3 times at most).
 */
final class FuzzSessions {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final int port;
  private final String apiKey;
  private final FuzzTally tally;

  FuzzSessions(int port, String apiKey, FuzzTally tally) {
    this.port = port;
    this.apiKey = apiKey;
    this.tally = tally;
  }

  VoiceClient.Created create() {
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/sessions"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"instructions\":\"You are a test interviewer.\",\"questions\":[\"Who are you?\"]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
          throw new AssertionError("session creation answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = Json.parse(response.body());
        VoiceClient.Created created = new VoiceClient.Created(body.path("sessionId").asText(),
            body.path("token").asText());
        tally.secret(created.token());
        return created;
      } catch (IOException e) {
        tally.violation("creating a session failed after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + e);
        if (attempt >= 3) {
          throw new UncheckedIOException(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
