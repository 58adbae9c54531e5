package io.voxrelay.it;

import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import io.voxrelay.watchdog.WatchdogServiceMain;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Each service as its own OS process")
class ProcessClusterTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private final List<ServiceProcess> processes = new ArrayList<>();
  private Vertx vertx;

  @AfterEach
  void stopEverything() {
    // Reverse order, and every one of them, whatever the test did.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @Test
  @DisplayName("four clustered processes on loopback carry a voice turn end to end")
  void voiceTurnAcrossProcesses() throws IOException {
    vertx = Vertx.vertx();
    UpstreamSimulator simulator = new UpstreamSimulator(SimulatorConfig.defaults());
    Await.result(vertx.deployVerticle(simulator));
    int httpPort = freePort();
    Map<String, String> env = Map.of(
        "VOXRELAY_CLUSTER_NAME", "voxrelay-proc-" + UUID.randomUUID().toString().substring(0, 8),
        "VOXRELAY_UPSTREAM_URL", simulator.url(),
        "VOXRELAY_HTTP_PORT", String.valueOf(httpPort),
        "VOXRELAY_HTTP_HOST", "127.0.0.1",
        "VOXRELAY_DATA_DIR", java.nio.file.Files.createTempDirectory("voxrelay-proc").toString());

    // One after another: members starting at the same instant may form separate clusters before merging.
    start("session-service", SessionServiceMain.class, env);
    start("relay-service", RelayServiceMain.class, env);
    start("watchdog-service", WatchdogServiceMain.class, env);
    start("gateway-service", GatewayServiceMain.class, env);

    VoiceClient.Created session = VoiceClient.createSession(vertx, httpPort);
    try (VoiceClient client = VoiceClient.connect(vertx, httpPort, session)) {
      client.streamAudio(SpeechLikeAudio.turn(2_000), 5);
      client.awaitEvent("the user's transcript", Duration.ofSeconds(30),
          e -> "transcript.done".equals(e.path("type").asText()) && "user".equals(e.path("role").asText()));
      client.awaitEvent("the AI's transcript", Duration.ofSeconds(30),
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText()));
      Await.until("the AI's audio arrived", Duration.ofSeconds(30), () -> client.aiAudioBytes() > 0);
    }
    assertThat(simulator.sessions()).hasSize(1);
    assertThat(simulator.sessions().get(0).audioBytesReceived()).isEqualTo(SpeechLikeAudio.turn(2_000).length);
  }

  private void start(String name, Class<?> main, Map<String, String> env) throws IOException {
    ServiceProcess process = ServiceProcess.start(name, main, env);
    processes.add(process);
    process.awaitReady(START_TIMEOUT);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
