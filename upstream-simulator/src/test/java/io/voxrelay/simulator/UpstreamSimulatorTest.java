package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RealtimeSchema;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The upstream simulator")
class UpstreamSimulatorTest {

  private static final String SESSION_UPDATE = """
      {"type":"session.update","session":{"type":"realtime","instructions":"Be brief.",
       "output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},
       "turn_detection":{"type":"server_vad","threshold":0.5,"silence_duration_ms":500,
       "create_response":true,"interrupt_response":true}},"output":{"voice":"alloy"}}}}""";

  private Vertx vertx;
  private UpstreamSimulator simulator;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    simulator = new UpstreamSimulator(new SimulatorConfig("127.0.0.1", 0, 60 * 60_000, 30 * 60_000, 600, 5_000, 1_000));
    Await.result(vertx.deployVerticle(simulator));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private RawRealtimeClient connect() {
    RawRealtimeClient client = new RawRealtimeClient(vertx, simulator.url());
    client.await("session.created");
    return client;
  }

  private static void stream(RawRealtimeClient client, byte[] pcm) {
    for (String chunk : SpeechLikeAudio.base64Chunks(pcm, 40)) {
      client.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + chunk + "\"}");
    }
  }

  @Test
  @DisplayName("detects a spoken turn by its energy and answers it with streamed audio, every event valid GA")
  void voiceTurn() {
    try (RawRealtimeClient client = connect()) {
      client.send(SESSION_UPDATE);
      JsonNode updated = client.await("session.updated");
      assertThat(updated.path("session").path("instructions").asText()).isEqualTo("Be brief.");

      stream(client, SpeechLikeAudio.turn(1_500));
      client.await("response.done");
      client.await("rate_limits.updated"); // follows response.done, so the snapshot below must wait for it too
      assertThat(client.types()).containsSubsequence("input_audio_buffer.speech_started",
          "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.added",
          "conversation.item.done", "conversation.item.input_audio_transcription.completed", "response.created",
          "response.output_item.added", "response.content_part.added", "response.output_audio_transcript.delta",
          "response.output_audio.delta", "response.output_audio.done", "response.output_audio_transcript.done",
          "response.content_part.done", "response.output_item.done", "response.done", "rate_limits.updated");
      JsonNode started = client.ofType("input_audio_buffer.speech_started").get(0);
      JsonNode stopped = client.ofType("input_audio_buffer.speech_stopped").get(0);
      assertThat(started.path("audio_start_ms").asLong()).isZero();
      assertThat(stopped.path("audio_end_ms").asLong()).isBetween(1_400L, 1_600L);
      long audioBytes = client.ofType("response.output_audio.delta").stream()
          .mapToLong(e -> Base64.getDecoder().decode(e.path("delta").asText()).length).sum();
      assertThat(audioBytes).isEqualTo(Pcm16.bytesOf(600));
      assertThat(client.ofType("response.done").get(0).path("response").path("status").asText()).isEqualTo("completed");
      assertThat(simulator.sessions().get(0).items()).extracting(ConversationItem::role)
          .containsExactly("user", "assistant");

      RealtimeSchema schema = RealtimeSchema.load();
      assertThat(schema.problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
      assertThat(schema.problems(RealtimeSchema.Side.CLIENT, simulator.sessions().get(0).receivedEvents())).isEmpty();
    }
  }

  @Test
  @DisplayName("truncates an answer's audio as GA does: its transcript removed, confirmed; a time past its audio refused")
  void truncatesAnItem() {
    try (RawRealtimeClient client = connect()) {
      client.send(SESSION_UPDATE);
      stream(client, SpeechLikeAudio.turn(1_500));
      String itemId = client.await("response.done").path("response").path("output").get(0).path("id").asText();
      String truncate = "{\"type\":\"conversation.item.truncate\",\"event_id\":\"evt_t\",\"item_id\":\"" + itemId
          + "\",\"content_index\":0,\"audio_end_ms\":";
      client.send(truncate + "5000}");
      JsonNode refused = client.await("error");
      assertThat(refused.path("error").path("code").asText()).isEqualTo("invalid_value");
      assertThat(refused.path("error").path("event_id").asText()).isEqualTo("evt_t");
      client.send(truncate + "250}");
      JsonNode truncated = client.await("conversation.item.truncated");
      assertThat(truncated.path("item_id").asText()).isEqualTo(itemId);
      assertThat(truncated.path("audio_end_ms").asLong()).isEqualTo(250);
      SimulatedSession session = simulator.sessions().get(0);
      assertThat(session.truncations()).containsExactly(new SpokenItems.Truncation(itemId, 0, 250));
      assertThat(session.items()).filteredOn(item -> item.id().equals(itemId)).extracting(ConversationItem::text)
          .containsExactly("");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, simulator.sessions().get(0).receivedEvents())).isEmpty();
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
    }
  }

  @Test
  @DisplayName("refuses a second response during one, cancels on request, and clears the input buffer")
  void responsesAndBuffer() {
    try (RawRealtimeClient client = connect()) {
      client.send(SESSION_UPDATE);
      client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
          + "\"content\":[{\"type\":\"input_text\",\"text\":\"Hello there\"}]}}");
      client.send("{\"type\":\"response.create\"}");
      client.send("{\"type\":\"response.create\",\"event_id\":\"evt_2\"}");
      JsonNode error = client.await("error");
      assertThat(error.path("error").path("code").asText()).isEqualTo("conversation_already_has_active_response");
      assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("error").path("event_id").asText()).isEqualTo("evt_2");
      client.send("{\"type\":\"response.cancel\"}");
      JsonNode done = client.await("response.done");
      assertThat(done.path("response").path("status").asText()).isEqualTo("cancelled");
      assertThat(client.ofType("response.done")).hasSize(1);

      stream(client, SpeechLikeAudio.speech(300));
      client.send("{\"type\":\"input_audio_buffer.clear\"}");
      client.await("input_audio_buffer.cleared");
      client.send("{\"type\":\"input_audio_buffer.commit\"}");
      JsonNode empty = client.await("error", 2, Duration.ofSeconds(5));
      assertThat(empty.path("error").path("code").asText()).isEqualTo("input_audio_buffer_commit_empty");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
    }
  }

  @Test
  @DisplayName("calls a tool the user names, checks the function_call_output it gets, and answers with it; every event valid GA")
  void callsATool() {
    try (RawRealtimeClient client = connect()) {
      client.send(SESSION_UPDATE.replace("[\"audio\"]", "[\"text\"]").replace("\"instructions\":\"Be brief.\",",
          "\"instructions\":\"Be brief.\",\"tool_choice\":\"auto\",\"tools\":[{\"type\":\"function\","
              + "\"name\":\"lookup_topic\",\"description\":\"Looks a topic up.\",\"parameters\":{\"type\":\"object\","
              + "\"properties\":{\"topic\":{\"type\":\"string\"},\"depth\":{\"type\":\"integer\"}},"
              + "\"required\":[\"topic\"]}}],"));
      client.await("session.updated");
      client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
          + "\"content\":[{\"type\":\"input_text\",\"text\":\"please lookup_topic for me\"}]}}");
      client.send("{\"type\":\"response.create\"}");
      JsonNode call = client.await("response.function_call_arguments.done");
      assertThat(call.path("name").asText()).isEqualTo("lookup_topic");
      JsonNode arguments = io.voxrelay.common.json.Json.parse(call.path("arguments").asText());
      assertThat(arguments.path("topic").asText()).isEqualTo("please lookup_topic for me");
      assertThat(arguments.path("depth").asInt()).isEqualTo(1);
      client.await("response.done");

      // An output for a call never made, then the right one, then the same one again.
      client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call_output\","
          + "\"call_id\":\"call_nope\",\"output\":\"x\"}}");
      assertThat(client.await("error").path("error").path("message").asText()).contains("call_nope");
      String output = "{\\\"topic\\\":\\\"distributed systems\\\"}";
      String create = "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call_output\","
          + "\"call_id\":\"" + call.path("call_id").asText() + "\",\"output\":\"" + output + "\"}}";
      client.send(create);
      client.send("{\"type\":\"response.create\"}");
      JsonNode answer = client.await("response.output_text.done");
      assertThat(answer.path("text").asText()).contains("distributed systems");
      client.send(create);
      assertThat(client.await("error", 2, Duration.ofSeconds(5)).path("error").path("message").asText())
          .contains("already has its output");
      assertThat(simulator.sessions().get(0).items()).extracting(ConversationItem::contentType)
          .containsSubsequence("input_text", "function_call", "function_call_output", "output_text");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, simulator.sessions().get(0).receivedEvents()))
          .isEmpty();
    }
  }

  @Test
  @DisplayName("accepts and echoes the upstream options (turn detection, transcription, noise reduction, voice, output limit, truncation), refusing bad values as GA does")
  void upstreamOptions() {
    try (RawRealtimeClient client = connect()) {
      client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"max_output_tokens\":256,"
          + "\"truncation\":{\"type\":\"retention_ratio\",\"retention_ratio\":0.5},\"audio\":{\"input\":{"
          + "\"turn_detection\":{\"type\":\"semantic_vad\",\"eagerness\":\"high\"},\"transcription\":{\"model\":"
          + "\"gpt-4o-transcribe\"},\"noise_reduction\":{\"type\":\"far_field\"}},\"output\":{\"voice\":\"cedar\"}}}}");
      JsonNode updated = client.await("session.updated").path("session");
      assertThat(updated.path("max_output_tokens").asInt()).isEqualTo(256);
      assertThat(updated.path("truncation").path("retention_ratio").asDouble()).isEqualTo(0.5);
      assertThat(updated.path("audio").path("input").path("turn_detection").path("eagerness").asText()).isEqualTo("high");
      assertThat(updated.path("audio").path("input").path("noise_reduction").path("type").asText()).isEqualTo("far_field");
      assertThat(updated.path("audio").path("output").path("voice").asText()).isEqualTo("cedar");
      client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"max_output_tokens\":0}}");
      assertThat(client.await("error").path("error").path("param").asText()).isEqualTo("session.max_output_tokens");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
    }
  }

  @Test
  @DisplayName("answers in text only when asked for text, with no audio at all")
  void textResponse() {
    try (RawRealtimeClient client = connect()) {
      client.send(SESSION_UPDATE.replace("[\"audio\"]", "[\"text\"]"));
      client.send("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
          + "\"content\":[{\"type\":\"input_text\",\"text\":\"What is voxrelay?\"}]}}");
      client.send("{\"type\":\"response.create\"}");
      JsonNode text = client.await("response.output_text.done");
      assertThat(text.path("text").asText()).contains("What is voxrelay?");
      client.await("response.done");
      assertThat(client.types()).doesNotContain("response.output_audio.delta");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
    }
  }

  @Test
  @DisplayName("refuses beta parameters and a session.update without session.type, in the GA error shape")
  void rejectsBetaShapes() {
    try (RawRealtimeClient client = connect()) {
      client.send("{\"type\":\"session.update\",\"session\":{\"modalities\":[\"audio\"]}}");
      assertThat(client.await("error").path("error").path("param").asText()).isEqualTo("session.type");
      client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"input_audio_format\":\"pcm16\"}}");
      JsonNode second = client.await("error", 2, Duration.ofSeconds(5));
      assertThat(second.path("error").path("code").asText()).isEqualTo("unknown_parameter");
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.SERVER, client.events())).isEmpty();
    }
  }

  @Test
  @DisplayName("expires a session at its maximum duration with session_expired, then closes with 1001")
  void expiry() {
    Await.result(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    simulator = new UpstreamSimulator(new SimulatorConfig("127.0.0.1", 0, 300, 200, 600, 5_000, 1_000));
    Await.result(vertx.deployVerticle(simulator));
    try (RawRealtimeClient client = connect()) {
      JsonNode error = client.await("error");
      assertThat(error.path("error").path("code").asText()).isEqualTo("session_expired");
      assertThat(client.awaitClose()).isEqualTo(1001);
    }
  }

  @Test
  @DisplayName("refuses handshakes on demand, and any with a beta header or without a model")
  void handshakeFaults() {
    WebSocketClient ws = vertx.createWebSocketClient();
    simulator.refuseHandshakes(1);
    assertThat(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url() + "?model=m"))
        .toCompletionStage().toCompletableFuture().handle((s, e) -> e).join()).isNotNull();
    assertThat(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url() + "?model=m")
        .addHeader("OpenAI-Beta", "realtime=v1")).toCompletionStage().toCompletableFuture()
        .handle((s, e) -> e).join()).isNotNull();
    assertThat(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url()))
        .toCompletionStage().toCompletableFuture().handle((s, e) -> e).join()).isNotNull();
    assertThat(Await.result(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url() + "?model=m")))
        .isClosed()).isFalse();
    Await.until("one session opened", Duration.ofSeconds(5), () -> simulator.sessions().size() == 1);

    simulator.delayHandshakes(400);
    long started = System.nanoTime();
    Await.result(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url() + "?model=m")));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  @DisplayName("as Azure: the same protocol at /openai/v1/realtime, authorized by an api-key header, refusing "
      + "api-version, and expiring at its own (shorter) cap")
  void azurePath() {
    Await.result(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    simulator = new UpstreamSimulator(new SimulatorConfig("127.0.0.1", 0, 60 * 60_000, 300, 600, 5_000, 1_000));
    Await.result(vertx.deployVerticle(simulator));
    String azure = simulator.url(UpstreamProvider.AZURE);
    assertThat(azure).endsWith("/openai/v1/realtime");
    WebSocketClient ws = vertx.createWebSocketClient();
    assertThat(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(azure + "?model=d&api-version=2025-04-01-preview")
        .addHeader("api-key", "az-1")).toCompletionStage().toCompletableFuture().handle((s, e) -> e).join())
        .as("the preview API's version parameter").isNotNull();

    WebSocket socket = Await.result(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(azure + "?model=voice-1")
        .addHeader("api-key", "az-1")));
    Await.until("one session opened", Duration.ofSeconds(5), () -> simulator.sessions().size() == 1);
    SimulatedSession session = simulator.sessions().get(0);
    assertThat(session.provider()).isEqualTo(UpstreamProvider.AZURE);
    assertThat(session.model()).isEqualTo("voice-1");
    assertThat(session.credential()).isEqualTo("api-key");
    Await.until("the Azure session expires at its cap", Duration.ofSeconds(5), socket::isClosed);
    assertThat(socket.closeStatusCode()).isEqualTo((short) 1001);

    Await.result(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(simulator.url() + "?model=m")
        .addHeader("api-key", "az-1")));
    Await.until("a second session opened", Duration.ofSeconds(5), () -> simulator.sessions().size() == 2);
    assertThat(simulator.sessions().get(1).provider()).isEqualTo(UpstreamProvider.OPENAI);
    assertThat(simulator.sessions().get(1).authorized()).as("OpenAI takes a bearer key, not an api-key header")
        .isFalse();
  }

  @Test
  @DisplayName("drops a connection and injects errors when a test asks")
  void injectedFaults() {
    try (RawRealtimeClient client = connect()) {
      SimulatedSession session = simulator.sessions().get(0);
      session.injectError("server_error", "server_error", "The server had an error.");
      assertThat(client.await("error").path("error").path("type").asText()).isEqualTo("server_error");
      session.drop();
      assertThat(client.awaitClose()).isIn(1006, 1011);
      Await.until("the simulator sees the session closed", Duration.ofSeconds(5), () -> !session.isOpen());
      assertThat(simulator.openSessions()).isEmpty();
      assertThat(List.of(session.id())).allMatch(id -> id.startsWith("sess_"));
    }
  }
}
