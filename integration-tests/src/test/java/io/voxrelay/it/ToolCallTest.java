package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RealtimeSchema;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Server-side function tools end to end: the simulator calls a tool, the relay carries it out at the backend. */
@DisplayName("Server-side tools")
class ToolCallTest {

  private static final String SECRET = "tool-secret-for-tests-0123";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String TOOLS = "[{\"type\":\"function\",\"name\":\"lookup_topic\",\"description\":"
      + "\"Looks up the next question's topic.\",\"parameters\":{\"type\":\"object\",\"properties\":{\"topic\":"
      + "{\"type\":\"string\"}},\"required\":[\"topic\"]}}]";
  private static Vertx backendVertx;
  private static ToolBackend backend;
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    backendVertx = Vertx.vertx();
    backend = new ToolBackend(backendVertx, SECRET);
    deployment = Deployment.start(Map.of("VOXRELAY_TOOL_URL", backend.url(), "VOXRELAY_TOOL_SECRET", SECRET,
        "VOXRELAY_TOOL_TIMEOUT_MS", "1500"), 1, 1, 0, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
    if (backend != null) {
      backend.close();
    }
    Await.result(backendVertx.close());
  }

  private int port() {
    return deployment.gatewayPort(0);
  }

  /** A session with the tool, its client in text-only mode, and the upstream it got. */
  private record Talk(VoiceClient client, SimulatedSession upstream) {
  }

  private Talk open(String marker) {
    VoiceClient.HttpReply created = VoiceClient.post(deployment.clientVertx(), port(), "/v1/sessions",
        "{\"instructions\":\"" + marker + "\",\"questions\":[\"Tell me about yourself.\"],\"tools\":" + TOOLS + "}");
    assertThat(created.status()).isEqualTo(201);
    VoiceClient.Created session = new VoiceClient.Created(created.body().path("sessionId").asText(),
        created.body().path("token").asText());
    int before = deployment.simulator.sessions().size();
    VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port(), session);
    SimulatedSession upstream = InterviewSessionTest.upstreamOf(deployment, before);
    client.send("{\"type\":\"text_only\",\"enabled\":true}");
    client.awaitEvent("text_only.changed", TIMEOUT);
    return new Talk(client, upstream);
  }

  private static List<JsonNode> outputsSent(SimulatedSession upstream) {
    return upstream.receivedEvents().stream().filter(e -> "function_call_output".equals(e.path("item").path("type").asText()))
        .toList();
  }

  @Test
  @DisplayName("a round trip: arguments verified at the backend, a valid GA output upstream, an answer that uses it, and only tool.started/finished at the browser")
  void roundTrip() {
    int callsBefore = backend.calls().size();
    Talk talk = open("tool-round-trip");
    try (VoiceClient client = talk.client()) {
      client.send("{\"type\":\"text\",\"text\":\"please lookup_topic before the next question\"}");
      JsonNode answer = client.awaitEvent("the answer that uses the tool", TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "assistant".equals(e.path("role").asText())
              && e.path("text").asText().contains(ToolBackend.OUTPUT));
      assertThat(answer).isNotNull();
      List<JsonNode> calls = backend.calls().subList(callsBefore, backend.calls().size());
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0).path("name").asText()).isEqualTo("lookup_topic");
      assertThat(calls.get(0).path("arguments").path("topic").asText()).contains("lookup_topic");
      assertThat(backend.badSignatures()).isZero();

      List<JsonNode> outputs = outputsSent(talk.upstream());
      assertThat(outputs).hasSize(1);
      assertThat(outputs.get(0).path("item").path("output").asText()).isEqualTo(ToolBackend.OUTPUT);
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, talk.upstream().receivedEvents())).isEmpty();
      assertThat(talk.upstream().items()).extracting(ConversationItem::contentType)
          .containsSubsequence("input_text", "function_call", "function_call_output", "output_text");

      JsonNode started = client.awaitEvent("tool.started", TIMEOUT);
      JsonNode finished = client.awaitEvent("tool.finished", TIMEOUT);
      assertThat(started.path("name").asText()).isEqualTo("lookup_topic");
      assertThat(started.has("arguments")).isFalse();
      assertThat(finished.path("status").asText()).isEqualTo("ok");
      assertThat(finished.has("output")).isFalse();
      for (JsonNode event : client.events()) {
        if (!"transcript.done".equals(event.path("type").asText()) && !"transcript.delta".equals(event.path("type").asText())) {
          assertThat(event.toString()).as("the tool's result reaches the browser only as the AI's words")
              .doesNotContain(ToolBackend.OUTPUT);
        }
      }
    }
  }

  @Test
  @DisplayName("a tool that errs or does not answer in time becomes an error output the model answers: never a hung response")
  void errorAndTimeout() {
    Talk talk = open("tool-failures");
    try (VoiceClient client = talk.client()) {
      backend.status(500);
      client.send("{\"type\":\"text\",\"text\":\"lookup_topic now\"}");
      Await.until("tool.finished error", TIMEOUT, () -> client.events("tool.finished").stream()
          .anyMatch(e -> "error".equals(e.path("status").asText())));
      InterviewSessionTest.awaitAnswers(client, 1);
      backend.status(200);
      backend.hang(true);
      client.send("{\"type\":\"text\",\"text\":\"lookup_topic again\"}");
      Await.until("tool.finished timeout", TIMEOUT, () -> client.events("tool.finished").stream()
          .anyMatch(e -> "timeout".equals(e.path("status").asText())));
      InterviewSessionTest.awaitAnswers(client, 2);
      assertThat(outputsSent(talk.upstream())).extracting(e -> e.path("item").path("output").asText())
          .allMatch(output -> output.contains("\"error\""));
    } finally {
      backend.hang(false);
      backend.status(200);
    }
  }

  @Test
  @DisplayName("a pause during a tool call cancels it: the model gets a cancelled output and no answer starts")
  void pauseCancels() {
    Talk talk = open("tool-pause");
    try (VoiceClient client = talk.client()) {
      backend.hang(true);
      client.send("{\"type\":\"text\",\"text\":\"lookup_topic please\"}");
      client.awaitEvent("tool.started", TIMEOUT);
      client.send("{\"type\":\"pause_interview\"}");
      client.awaitEvent("interview.paused", TIMEOUT);
      Await.until("tool.finished cancelled", TIMEOUT, () -> client.events("tool.finished").stream()
          .anyMatch(e -> "cancelled".equals(e.path("status").asText())));
      Await.until("the cancelled output upstream", TIMEOUT, () -> !outputsSent(talk.upstream()).isEmpty());
      Await.sleep(1_000);
      List<String> after = talk.upstream().receivedEvents().stream()
          .dropWhile(e -> !"function_call_output".equals(e.path("item").path("type").asText()))
          .map(e -> e.path("type").asText()).toList();
      assertThat(after).as("nothing asks the model to answer the cancelled call").doesNotContain("response.create");
      assertThat(outputsSent(talk.upstream()).get(0).path("item").path("output").asText()).contains("cancelled");
    } finally {
      backend.hang(false);
    }
  }
}
