package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A relay killed with {@code kill -9} while one of its sessions' tool calls is under way. */
@Tag("full")
@DisplayName("Tool calls across a relay failover")
class ToolFailoverProcessTest {

  private static final String SECRET = "tool-failover-secret-0123";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  @DisplayName("the call is carried out by the relay that takes the session over, its output reaches the model once, and the answer uses it")
  void callSurvivesTheRelay() {
    try (ProcessCluster cluster = new ProcessCluster("toolfo", Map.of("VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", "5"));
         ToolBackend backend = new ToolBackend(cluster.vertx, SECRET)) {
      Map<String, String> tools = Map.of("VOXRELAY_TOOL_URL", backend.url(), "VOXRELAY_TOOL_SECRET", SECRET,
          "VOXRELAY_TOOL_TIMEOUT_MS", "30000");
      cluster.start("tf-session", SessionServiceMain.class);
      List<ServiceProcess> relays = List.of(cluster.start("tf-relay-a", RelayServiceMain.class, tools),
          cluster.start("tf-relay-b", RelayServiceMain.class, tools));
      cluster.start("tf-gateway", GatewayServiceMain.class);
      int port = cluster.httpPort;

      VoiceClient.HttpReply created = VoiceClient.post(cluster.vertx, port, "/v1/sessions",
          "{\"instructions\":\"tool-failover\",\"tools\":[{\"name\":\"lookup_topic\",\"parameters\":{\"type\":\"object\","
              + "\"properties\":{\"topic\":{\"type\":\"string\"}}}}]}");
      VoiceClient.Created session = new VoiceClient.Created(created.body().path("sessionId").asText(),
          created.body().path("token").asText());
      ReliableClient client = new ReliableClient(cluster.vertx, () -> port, session);
      try {
        client.connect();
        client.send("text_only", ",\"enabled\":true");
        Await.until("text only", TIMEOUT, () -> !client.processed("text_only.changed").isEmpty());
        ServiceProcess holder = relays.stream()
            .filter(r -> r.lines().stream().anyMatch(l -> l.contains("upstream opened for " + session.sessionId())))
            .findFirst().orElseThrow(() -> new AssertionError("no relay opened the session's upstream"));

        // The first call hangs at the backend: the relay holding it dies with the call under way.
        backend.hang(true);
        client.send("text", ",\"text\":\"lookup_topic for the next question\"");
        Await.until("the call reached the backend", TIMEOUT, () -> backend.calls().size() == 1);
        Await.until("the call is stored (tool.started)", TIMEOUT, () -> !client.processed("tool.started").isEmpty());
        backend.hang(false);
        holder.kill();

        JsonNode answer = Await.value("the answer that uses the tool, from the new relay", TIMEOUT,
            () -> client.processed("transcript.done").stream()
                .filter(e -> "assistant".equals(e.path("role").asText())
                    && e.path("text").asText().contains(ToolBackend.OUTPUT)).findFirst().orElse(null));
        assertThat(answer).isNotNull();
        String callId = backend.calls().get(0).path("callId").asText();
        assertThat(backend.calls()).as("carried out again by the new relay, under the same call id")
            .extracting(c -> c.path("callId").asText()).containsOnly(callId).hasSizeGreaterThanOrEqualTo(2);
        List<JsonNode> outputs = cluster.simulator.sessions().stream()
            .filter(s -> s.instructions().startsWith("tool-failover"))
            .flatMap(s -> s.receivedEvents().stream())
            .filter(e -> "function_call_output".equals(e.path("item").path("type").asText())
                && !e.path("item").path("output").asText().contains("cancelled"))
            .toList();
        List<SimulatedSession> live = cluster.simulator.sessions().stream()
            .filter(s -> s.instructions().startsWith("tool-failover") && s.isOpen()).toList();
        assertThat(live).as("one upstream at the end").hasSize(1);
        assertThat(live.get(0).receivedEvents().stream()
            .filter(e -> "function_call_output".equals(e.path("item").path("type").asText())))
            .as("the output reaches the model once").hasSize(1);
        assertThat(outputs).extracting(e -> e.path("item").path("output").asText()).containsOnly(ToolBackend.OUTPUT);
        assertThat(client.processed("tool.finished")).extracting(e -> e.path("status").asText()).containsExactly("ok");
        assertThat(client.violations()).isEmpty();
      } finally {
        client.close();
      }
    }
  }
}
