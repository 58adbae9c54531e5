package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RealtimeSchema;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("An interview through the relay and the simulator")
class InterviewSessionTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    // Answers of 6 s of audio, streamed in 1.2 s (five times real time): a pause or a typed turn sent when an
    // answer starts reaches the upstream while it is still under way, also on a loaded machine (with the
    // default 1.2 s, the whole answer was out in 240 ms, and a pause behind a busy store lost that race).
    deployment = Deployment.start(Map.of("VOXRELAY_UPSTREAM_RECONNECT_DELAY_MS", "100",
        "OPENAI_API_KEY", "sk-test-upstream-key", "VOXRELAY_UPSTREAM_MODEL", "gpt-realtime-test",
        "VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "6000"), 1, 1, 1, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private VoiceClient connect(VoiceClient.Created session) {
    return VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session);
  }

  private VoiceClient.Created newSession() {
    return VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
  }

  /** The simulator session currently serving {@code sessionId}: the open one whose prompt names its questions. */
  static SimulatedSession upstreamOf(Deployment deployment, int upstreamsBefore) {
    return Await.value("an open upstream session", TIMEOUT, () -> {
      List<SimulatedSession> all = deployment.simulator.sessions();
      return all.size() > upstreamsBefore && all.get(all.size() - 1).isOpen() ? all.get(all.size() - 1) : null;
    });
  }

  static int answers(VoiceClient client) {
    return (int) client.events("transcript.done").stream()
        .filter(e -> "assistant".equals(e.path("role").asText())).count();
  }

  static void awaitAnswers(VoiceClient client, int count) {
    Await.until(count + " answers from the AI", TIMEOUT, () -> answers(client) >= count);
  }

  static void voiceTurn(VoiceClient client) {
    int before = answers(client);
    client.streamAudio(SpeechLikeAudio.turn(800), 0);
    awaitAnswers(client, before + 1);
  }

  /** A session.update whose turn detection may interrupt an answer ({@code value}); it never creates one. */
  private static boolean sentInterruptResponse(JsonNode event, boolean value) {
    JsonNode detection = event.path("session").path("audio").path("input").path("turn_detection");
    return "session.update".equals(event.path("type").asText())
        && detection.path("interrupt_response").asBoolean(!value) == value
        && !detection.path("create_response").asBoolean(true);
  }

  @Test
  @DisplayName("a scripted interview (three voice turns, pause, resume, text, next question, end) is valid GA on both sides")
  void scriptedInterview() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    VoiceClient.Created session = newSession();
    SimulatedSession upstream;
    try (VoiceClient client = connect(session)) {
      upstream = upstreamOf(deployment, upstreamsBefore);
      assertThat(upstream.authorized()).as("Authorization: Bearer sent upstream").isTrue();
      assertThat(upstream.model()).isEqualTo("gpt-realtime-test");
      for (int i = 0; i < 3; i++) {
        voiceTurn(client);
      }
      assertThat(upstream.responsesCreated()).isEqualTo(3);

      client.send("{\"type\":\"pause_interview\"}");
      client.awaitEvent("interview.paused", TIMEOUT);
      long audioBefore = upstream.audioBytesReceived();
      client.streamAudio(SpeechLikeAudio.turn(1_500), 0);
      client.streamAudio(SpeechLikeAudio.turn(1_500), 0);
      Await.sleep(1_000);
      assertThat(upstream.audioBytesReceived()).as("audio bytes upstream while paused").isEqualTo(audioBefore);
      assertThat(upstream.responsesCreated()).as("responses while paused").isEqualTo(3);
      assertThat(upstream.receivedTypes()).contains("input_audio_buffer.clear");
      assertThat(upstream.receivedEvents()).anyMatch(e -> sentInterruptResponse(e, false));

      client.send("{\"type\":\"resume_interview\"}");
      client.awaitEvent("interview.resumed", TIMEOUT);
      List<JsonNode> received = upstream.receivedEvents();
      assertThat(sentInterruptResponse(received.get(received.size() - 1), true))
          .as("the last event upstream lets speech interrupt answers again (the relay asks for each answer)").isTrue();

      client.send("{\"type\":\"text\",\"text\":\"I prefer to type this answer.\"}");
      client.awaitEvent("the echo of the typed turn", TIMEOUT, e -> "transcript.done".equals(e.path("type").asText())
          && "user".equals(e.path("role").asText()) && e.path("text").asText().equals("I prefer to type this answer."));
      awaitAnswers(client, 4);
      assertThat(upstream.items()).anyMatch(i -> "input_text".equals(i.contentType())
          && i.text().equals("I prefer to type this answer."));

      client.send("{\"type\":\"next_question\"}");
      JsonNode changed = client.awaitEvent("question.changed", TIMEOUT);
      assertThat(changed.path("currentQuestionIndex").asInt()).isEqualTo(1);
      assertThat(changed.path("question").asText()).isEqualTo("Why voice?");
      awaitAnswers(client, 5);

      session = client.resumeWith();
      client.send("{\"type\":\"end_interview\"}");
      client.awaitEvent("interview.ended", TIMEOUT);
      assertThat(client.awaitClose(TIMEOUT)).isEqualTo(CloseCode.NORMAL.code());
    }
    Await.until("the upstream is closed", TIMEOUT, () -> !upstream.isOpen());

    RealtimeSchema schema = RealtimeSchema.load();
    assertThat(schema.problems(RealtimeSchema.Side.CLIENT, upstream.receivedEvents())).isEmpty();
    assertThat(schema.problems(RealtimeSchema.Side.SERVER, upstream.emittedEvents())).isEmpty();
    assertThat(upstream.receivedTypes()).doesNotContain("response.cancel");

    try (VoiceClient again = VoiceClient.open(deployment.clientVertx(), deployment.gatewayPort(0), session.sessionId())) {
      again.send("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
      assertThat(again.awaitClose(TIMEOUT)).isEqualTo(CloseCode.SESSION_ENDED.code());
    }
  }

  @Test
  @DisplayName("pausing during an answer cancels it, and speech while paused starts no response")
  void pauseCancelsAnAnswerInProgress() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    try (VoiceClient client = connect(newSession())) {
      SimulatedSession upstream = upstreamOf(deployment, upstreamsBefore);
      client.streamAudio(SpeechLikeAudio.turn(800), 0);
      Await.until("the AI starts answering", TIMEOUT, () -> client.aiAudioBytes() > 0);
      client.send("{\"type\":\"pause_interview\"}");
      JsonNode done = client.awaitEvent("response.done", TIMEOUT);
      assertThat(done.path("status").asText()).isEqualTo("cancelled");
      assertThat(upstream.receivedTypes()).contains("response.cancel", "input_audio_buffer.clear");
      int responses = upstream.responsesCreated();
      client.streamAudio(SpeechLikeAudio.turn(1_000), 0);
      Await.sleep(800);
      assertThat(upstream.responsesCreated()).isEqualTo(responses);
      client.send("{\"type\":\"text\",\"text\":\"typed while paused\"}");
      JsonNode refused = client.awaitEvent("error", TIMEOUT);
      assertThat(refused.path("code").asText()).isEqualTo("invalid_state");
      client.send("{\"type\":\"resume_interview\"}");
      client.awaitEvent("interview.resumed", TIMEOUT);
      voiceTurn(client);
    }
  }

  @Test
  @DisplayName("a turn typed while the AI answers is answered after it, never refused upstream")
  void turnsDuringAnAnswerAreQueued() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    try (VoiceClient client = connect(newSession())) {
      SimulatedSession upstream = upstreamOf(deployment, upstreamsBefore);
      client.send("{\"type\":\"text\",\"text\":\"first\"}");
      client.send("{\"type\":\"text\",\"text\":\"second, while the first is answered\"}");
      awaitAnswers(client, 2);
      assertThat(upstream.responsesCreated()).isEqualTo(2);
      assertThat(upstream.emittedEvents()).noneMatch(e -> "error".equals(e.path("type").asText()));
      assertThat(client.events("error")).isEmpty();
    }
  }

  @Test
  @DisplayName("upstream errors reach the client as error events and the session goes on")
  void upstreamErrorsReachTheClient() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    try (VoiceClient client = connect(newSession())) {
      SimulatedSession upstream = upstreamOf(deployment, upstreamsBefore);
      upstream.injectError("invalid_request_error", "conversation_already_has_active_response",
          "Conversation already has an active response in progress: resp_x.");
      JsonNode busy = client.awaitEvent("the active-response error", TIMEOUT,
          e -> "conversation_already_has_active_response".equals(e.path("code").asText()));
      assertThat(busy.path("type").asText()).isEqualTo("error");
      assertThat(busy.path("source").asText()).isEqualTo("upstream");
      assertThat(busy.path("message").asText()).isNotBlank();
      client.send("{\"type\":\"text\",\"text\":\"first\"}");
      awaitAnswers(client, 1);
      Await.sleep(500);
      assertThat(upstream.responsesCreated()).as("an error we did not cause makes no extra response").isEqualTo(1);

      upstream.injectError("server_error", "server_error", "The server had an error while processing your request.");
      JsonNode injected = client.awaitEvent("the injected error", TIMEOUT,
          e -> "server_error".equals(e.path("code").asText()));
      assertThat(injected.path("source").asText()).isEqualTo("upstream");
      voiceTurn(client);
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("when the upstream drops mid-session the relay reconnects and restores the transcript")
  void upstreamDropIsRepaired() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    try (VoiceClient client = connect(newSession())) {
      SimulatedSession first = upstreamOf(deployment, upstreamsBefore);
      voiceTurn(client);
      client.send("{\"type\":\"text\",\"text\":\"Remember the word marmalade.\"}");
      awaitAnswers(client, 2);

      first.drop();
      JsonNode restored = client.awaitEvent("upstream.restored", TIMEOUT);
      assertThat(client.events("upstream.reconnecting")).isNotEmpty();
      assertThat(restored.path("reason").asText()).isEqualTo("dropped");
      assertThat(restored.path("restoredTurns").asInt()).isEqualTo(4);

      SimulatedSession second = upstreamOf(deployment, upstreamsBefore + 1);
      assertThat(second).isNotSameAs(first);
      List<ConversationItem> items = second.items();
      assertThat(items).extracting(ConversationItem::contentType)
          .containsExactly("input_text", "output_text", "input_text", "output_text");
      assertThat(items.get(2).text()).isEqualTo("Remember the word marmalade.");
      assertThat(items.get(0).text()).isEqualTo(first.items().get(0).text());
      assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, second.receivedEvents())).isEmpty();

      voiceTurn(client);
      assertThat(client.isClosed()).isFalse();
    }
  }
}
