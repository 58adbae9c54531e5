package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.standalone.Standalone;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.ManagementPort;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One voxrelay process, as an operator sees it: its figures on the management port move as sessions come,
 * resume, flood and die, and its JSON logs parse line by line, name the session each line is about, and hold
 * no key and no token.
 */
@Tag("full")
@DisplayName("A voxrelay process's management port and logs")
class ManagementProcessTest {


  @Test
  @DisplayName("figures for terminations by reason, upstreams open, audio dropped and resumes; JSON logs without secrets")
  void figuresAndLogs() throws Exception {
    String apiKey = "vx-api-" + UUID.randomUUID();
    String openAiKey = "sk-upstream-" + UUID.randomUUID();
    Vertx vertx = Vertx.vertx();
    UpstreamSimulator simulator = new UpstreamSimulator(SimulatorConfig.defaults());
    Await.result(vertx.deployVerticle(simulator));
    int port = ProcessCluster.freePort();
    ServiceProcess process = null;
    try {
      process = ServiceProcess.start("management-json", Standalone.class, Map.ofEntries(
          Map.entry("VOXRELAY_LOG_FORMAT", "json"),
          Map.entry("VOXRELAY_UPSTREAM_URL", simulator.url()),
          Map.entry("OPENAI_API_KEY", openAiKey),
          Map.entry("VOXRELAY_API_KEY", apiKey),
          Map.entry("VOXRELAY_HTTP_PORT", String.valueOf(port)),
          Map.entry("VOXRELAY_HTTP_HOST", "127.0.0.1"),
          Map.entry("VOXRELAY_DATA_DIR", Files.createTempDirectory("voxrelay-management").toString()),
          Map.entry("VOXRELAY_CLUSTER_NAME", "voxrelay-management-" + UUID.randomUUID()),
          Map.entry("VOXRELAY_HEARTBEAT_TIMEOUT_MS", "3000"),
          Map.entry("VOXRELAY_WATCHDOG_INTERVAL_MS", "200"),
          Map.entry("VOXRELAY_RELAY_GUARD_GRACE_MS", "60000")),
          // The process's own logback.xml, not the tests' text format.
          List.of("-Dlogback.configurationFile=logback.xml"));
      process.awaitReady(ProcessCluster.START_TIMEOUT);
      int management = process.managementPort();
      assertThat(get(management, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(management, "/health/live").statusCode()).isEqualTo(200);
      assertThat(metric(management, "voxrelay_upstream_connections_open", "")).isZero();

      VoiceClient.Created session = VoiceClient.createSession(vertx, port, apiKey);
      VoiceClient first = VoiceClient.connect(vertx, port, session);
      first.startHeartbeats(300);
      InterviewSessionTest.voiceTurn(first);
      assertThat(metric(management, "voxrelay_upstream_connections_open", "")).isEqualTo(1);
      VoiceClient.Created again = first.resumeWith();
      first.close();
      // The client comes back with its (rotated) token: a resume.
      VoiceClient client = VoiceClient.connect(vertx, port, again);
      // Six seconds of microphone audio at once: past the burst allowance, some is dropped.
      client.streamAudio(SpeechLikeAudio.turn(6_000), 0);
      VoiceClient intruder = VoiceClient.open(vertx, port, session.sessionId());
      intruder.send("{\"type\":\"hello\",\"token\":\"not-the-token\"}");
      assertThat(intruder.awaitClose(Duration.ofSeconds(10))).isEqualTo(CloseCode.UNAUTHORIZED.code());
      // This client sends no heartbeats: the watchdog ends the session, and its upstream closes.
      assertThat(client.awaitClose(Duration.ofSeconds(20))).isEqualTo(CloseCode.SESSION_TERMINATED.code());

      Await.until("the upstream closed and counted", Duration.ofSeconds(20),
          () -> metric(management, "voxrelay_upstream_connections_open", "") == 0);
      assertThat(metric(management, "voxrelay_terminations_total", "reason=\"heartbeat_timeout\"")).isEqualTo(1);
      assertThat(metric(management, "voxrelay_terminations_total", "reason=\"idle_timeout\"")).isZero();
      assertThat(metric(management, "voxrelay_upstream_connections_opened_total", "")).isGreaterThanOrEqualTo(1);
      assertThat(metric(management, "voxrelay_audio_frames_dropped_total", "direction=\"in\"")).isPositive();
      assertThat(metric(management, "voxrelay_audio_frames_total", "direction=\"in\"")).isPositive();
      assertThat(metric(management, "voxrelay_audio_frames_total", "direction=\"out\"")).isPositive();
      assertThat(metric(management, "voxrelay_audio_bytes_total", "direction=\"out\"")).isPositive();
      assertThat(metric(management, "voxrelay_resumes_total", "")).isGreaterThanOrEqualTo(1);
      assertThat(metric(management, "voxrelay_bus_request_seconds_count", "outcome=\"ok\"")).isPositive();
      assertThat(metric(management, "voxrelay_store_latency_seconds_count", "queue=\"write\"")).isPositive();
      assertThat(metric(management, "voxrelay_watchdog_sweep_seconds_count", "")).isPositive();
      Await.until("the sessions counted by state", Duration.ofSeconds(30),
          () -> metric(management, "voxrelay_sessions", "state=\"terminated\"") == 1);
      String text = get(management, "/metrics").body();
      assertThat(text).as("no figure per session").doesNotContain(session.sessionId());

      process.close();
      List<String> lines = process.lines();
      List<JsonNode> logs = new ArrayList<>();
      for (String line : lines) {
        assertThat(line).as("no secret in any line").doesNotContain(apiKey).doesNotContain(openAiKey)
            .doesNotContain(session.token()).doesNotContain(again.token());
        if (line.startsWith("[voxrelay] ")) {
          continue; // the ready and management lines supervisors read, not logs
        }
        logs.add(Json.parse(line));
      }
      assertThat(logs).as("JSON log lines").hasSizeGreaterThan(10);
      List<JsonNode> aboutSession = logs.stream()
          .filter(l -> l.path("formattedMessage").asText().contains(session.sessionId())).toList();
      assertThat(aboutSession).as("lines about the session").hasSizeGreaterThanOrEqualTo(3);
      assertThat(aboutSession).allSatisfy(l ->
          assertThat(l.path("mdc").path("sessionId").asText()).as(l.toString()).isEqualTo(session.sessionId()));
      assertThat(logs).allSatisfy(l -> assertThat(l.has("level") && l.has("loggerName")).isTrue());
    } finally {
      if (process != null) {
        process.close();
      }
      Await.result(vertx.close());
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    return ManagementPort.get(port, path);
  }

  /** The sum of a metric's samples whose labels contain {@code labels} ("" for any). */
  private static double metric(int port, String name, String labels) {
    return ManagementPort.sum(get(port, "/metrics").body(), name, labels);
  }
}
