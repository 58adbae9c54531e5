package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Usage accounting")
class UsageTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  @DisplayName("the session API's totals are the sum of what every upstream of the session billed, across a rollover, nothing counted twice")
  void totalsAcrossUpstreams() {
    Map<String, String> env = Map.of(
        "VOXRELAY_SIMULATOR_MAX_SESSION_MS", "8000",
        "VOXRELAY_UPSTREAM_MAX_SESSION_MS", "8000",
        "VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS", "3000",
        // Once the client leaves, the upstream closes soon: no rollover after the figures are taken.
        "VOXRELAY_DETACH_GRACE_MS", "1000");
    try (Deployment deployment = Deployment.start(env, 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, null, "usage-test");
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        client.send("{\"type\":\"text_only\",\"enabled\":true}");
        client.awaitEvent("text_only.changed", TIMEOUT);
        client.send("{\"type\":\"text\",\"text\":\"first turn\"}");
        InterviewSessionTest.awaitAnswers(client, 1);
        client.awaitEvent("the rollover", TIMEOUT, e -> "upstream.restored".equals(e.path("type").asText()));
        client.send("{\"type\":\"text\",\"text\":\"second turn, on the new upstream\"}");
        InterviewSessionTest.awaitAnswers(client, 2);
      }
      Await.until("every upstream closed", TIMEOUT, () -> deployment.simulator.sessions().stream()
          .noneMatch(SimulatedSession::isOpen));
      List<SimulatedSession> upstreams = deployment.simulator.sessions().stream()
          .filter(s -> s.instructions().startsWith("usage-test")).toList();
      assertThat(upstreams).as("a rollover: two upstreams").hasSizeGreaterThanOrEqualTo(2);
      long input = 0;
      long output = 0;
      long cached = 0;
      long outputText = 0;
      for (SimulatedSession upstream : upstreams) {
        for (JsonNode usage : upstream.billedUsage()) {
          input += usage.path("input_tokens").asLong();
          output += usage.path("output_tokens").asLong();
          cached += usage.path("input_token_details").path("cached_tokens").asLong();
          outputText += usage.path("output_token_details").path("text_tokens").asLong();
        }
      }
      assertThat(input).isPositive();
      long expectedInput = input;
      String path = "/v1/sessions/" + session.sessionId();
      Await.until("the relay reported the usage", TIMEOUT, () ->
          VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage").path("inputTokens").asLong()
              == expectedInput);
      JsonNode usage = VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage");
      assertThat(usage.path("outputTokens").asLong()).isEqualTo(output);
      assertThat(usage.path("cachedTokens").asLong()).isEqualTo(cached);
      assertThat(usage.path("outputTextTokens").asLong()).isEqualTo(outputText);
      assertThat(usage.path("totalTokens").asLong()).isEqualTo(input + output);
      // The relay's counters (one relay here) say the same, with no per-session label.
      var registry = io.voxrelay.common.management.Telemetry.of(deployment.relayNodes.get(0)).registry();
      assertThat(registry.get(io.voxrelay.common.management.MetricNames.USAGE_TOKENS).tag("kind", "input")
          .counter().count()).as("voxrelay_usage_tokens_total{kind=input}").isEqualTo((double) input);
      assertThat(registry.get(io.voxrelay.common.management.MetricNames.USAGE_TOKENS).tag("kind", "output")
          .counter().count()).isEqualTo((double) output);
      // Every upstream of the deployment is this session's (one whose configuration never arrived too).
      List<SimulatedSession> connections = deployment.simulator.sessions();
      Await.until("every connection closed", TIMEOUT, () -> connections.stream().noneMatch(SimulatedSession::isOpen));
      double openSeconds = connections.stream()
          .mapToLong(s -> s.closedAtNanos() - s.openedAtNanos()).sum() / 1e9;
      System.out.printf("[usage] %d upstreams, open %.3f s at the simulator%n", connections.size(), openSeconds);
      Await.until("the upstream time reported", TIMEOUT, () -> Math.abs(VoiceClient.get(deployment.clientVertx(), port,
          path, null).body().path("usage").path("upstreamSeconds").asDouble() - openSeconds) < 1.0);
      Await.sleep(6_000);
      assertThat(VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage").path("inputTokens")
          .asLong()).as("reports sent again count nothing twice").isEqualTo(input);
    }
  }

  @Test
  @DisplayName("a session moved to another relay: the totals are what both relays' upstreams billed, nothing counted twice or lost")
  void totalsAcrossRelays() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 0, 1)) {
      int port = deployment.gatewayPort(0);
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, null, "usage-moved");
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
        client.send("{\"type\":\"text_only\",\"enabled\":true}");
        client.awaitEvent("text_only.changed", TIMEOUT);
        client.send("{\"type\":\"text\",\"text\":\"first turn, on the first relay\"}");
        InterviewSessionTest.awaitAnswers(client, 1);
        // A second relay joins; the first stops and hands the session over (its last usage goes as it stops).
        deployment.startServices(0, 1, 0, 0);
        Await.result(deployment.relayNodes.get(0).close());
        client.awaitEvent("the hand-off", TIMEOUT, e -> "upstream.restored".equals(e.path("type").asText()));
        client.send("{\"type\":\"text\",\"text\":\"second turn, on the second relay\"}");
        InterviewSessionTest.awaitAnswers(client, 2);
      }
      List<SimulatedSession> upstreams = deployment.simulator.sessions().stream()
          .filter(s -> s.instructions().startsWith("usage-moved")).toList();
      assertThat(upstreams).as("one upstream on each relay").hasSizeGreaterThanOrEqualTo(2);
      long input = 0;
      long output = 0;
      for (SimulatedSession upstream : upstreams) {
        for (JsonNode usage : upstream.billedUsage()) {
          input += usage.path("input_tokens").asLong();
          output += usage.path("output_tokens").asLong();
        }
      }
      long expectedInput = input;
      long expectedOutput = output;
      String path = "/v1/sessions/" + session.sessionId();
      Await.until("both relays' usage stored", TIMEOUT, () -> {
        JsonNode usage = VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage");
        return usage.path("inputTokens").asLong() == expectedInput
            && usage.path("outputTokens").asLong() == expectedOutput;
      });
      Await.sleep(6_000);
      JsonNode usage = VoiceClient.get(deployment.clientVertx(), port, path, null).body().path("usage");
      assertThat(usage.path("inputTokens").asLong()).as("nothing counted twice").isEqualTo(input);
      assertThat(usage.path("outputTokens").asLong()).isEqualTo(output);
    }
  }
}
