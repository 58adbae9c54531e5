package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every typed turn gets exactly one answer, whenever it arrives: while the AI answers, while a spoken turn
 * is being committed, right after connecting (with a stray burst of microphone noise), and while the
 * upstream reconnects. Checked at the client (one echo, an answer after it) and at the simulator (an answer
 * that began after the typed item entered the conversation, and no answer that nothing asked for).
 */
@DisplayName("Typed turns are answered exactly once, whenever they arrive")
class TypedTurnsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    // A slow first reconnection, so a typed turn surely arrives while the upstream is away.
    deployment = Deployment.start(Map.of("VOXRELAY_UPSTREAM_RECONNECT_DELAY_MS", "1500"), 1, 1, 0, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private record Session(VoiceClient client, SimulatedSession upstream) {
  }

  private static Session open() {
    int before = deployment.simulator.sessions().size();
    VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0),
        VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0)));
    return new Session(client, InterviewSessionTest.upstreamOf(deployment, before));
  }

  private static void type(VoiceClient client, String text) {
    client.send("{\"type\":\"text\",\"text\":\"" + text + "\"}");
  }

  @Test
  @DisplayName("typed while a response is active: the answer in progress finishes, then the typed turn is answered")
  void whileAResponseIsActive() {
    Session s = open();
    try (VoiceClient client = s.client()) {
      client.streamAudio(SpeechLikeAudio.turn(800), 0);
      Await.until("the AI starts answering", TIMEOUT, () -> client.aiAudioBytes() > 0);
      type(client, "typed during an answer");
      awaitSettled(s, List.of("typed during an answer"));
      assertThat(client.events("response.done")).extracting(e -> e.path("status").asText())
          .as("the spoken turn's answer was not cut off by the typed one").containsOnly("completed");
    }
  }

  @Test
  @DisplayName("typed while a spoken turn is being committed, at several moments around the end of speech")
  void whileASpokenTurnIsCommitted() {
    Session s = open();
    List<String> typed = new ArrayList<>();
    try (VoiceClient client = s.client()) {
      for (long silenceFirst : new long[] {0, 200, 400, 480, 520, 700}) {
        String text = "typed " + silenceFirst + " ms into the silence";
        typed.add(text);
        client.streamAudio(SpeechLikeAudio.speech(600), 0);
        client.streamAudio(Pcm16.silence(silenceFirst), 0);
        type(client, text);
        client.streamAudio(Pcm16.silence(900 - silenceFirst), 0);
        awaitSettled(s, typed);
      }
    }
  }

  @Test
  @DisplayName("typed right after connecting, with a stray burst of microphone noise over it")
  void rightAfterConnecting() {
    for (long noiseAfterMs : new long[] {0, 60, 150}) {
      Session s = open();
      try (VoiceClient client = s.client()) {
        String text = "typed right after connecting (" + noiseAfterMs + ")";
        type(client, text);
        Await.sleep(noiseAfterMs);
        // About 0.1 s of speech: it interrupts whatever answer is under way and commits a tiny turn, or none.
        client.streamAudio(SpeechLikeAudio.speech(120), 0);
        client.streamAudio(Pcm16.silence(700), 0);
        awaitSettled(s, List.of(text));
      }
    }
  }

  @Test
  @DisplayName("typed while the microphone stopped mid-speech: the speech that never ends does not hold the answer back")
  void whileSpeechStalls() {
    Session s = open();
    try (VoiceClient client = s.client()) {
      // Speech with no silence after it: turn detection never hears the end, since no more audio comes.
      client.streamAudio(SpeechLikeAudio.speech(600), 0);
      Await.until("the upstream hears speech", TIMEOUT, () -> s.upstream().emittedEvents().stream()
          .anyMatch(e -> "input_audio_buffer.speech_started".equals(e.path("type").asText())));
      type(client, "typed after the microphone stopped");
      awaitSettled(s, List.of("typed after the microphone stopped"));
    }
  }

  @Test
  @DisplayName("typed while the upstream reconnects: held, then answered once the upstream is back, with no error")
  void whileTheUpstreamReconnects() {
    Session s = open();
    try (VoiceClient client = s.client()) {
      type(client, "before the drop");
      awaitSettled(s, List.of("before the drop"));
      s.upstream().drop();
      client.awaitEvent("upstream.reconnecting", TIMEOUT);
      type(client, "typed while the upstream is away");
      client.awaitEvent("upstream.restored", TIMEOUT);
      SimulatedSession second = InterviewSessionTest.upstreamOf(deployment,
          deployment.simulator.sessions().indexOf(s.upstream()) + 1);
      awaitSettled(new Session(client, second), List.of("before the drop", "typed while the upstream is away"));
      assertThat(client.events("error")).as("no error: the relay held the turn").isEmpty();
    }
  }

  /**
   * Waits until every typed turn was echoed and answered and nothing is under way, then checks both sides.
   */
  private static void awaitSettled(Session s, List<String> typedTexts) {
    VoiceClient client = s.client();
    Await.until("every typed turn answered", TIMEOUT, () -> {
      List<JsonNode> events = client.events();
      for (String text : typedTexts) {
        if (answerAfter(events, text) == null) {
          return false;
        }
      }
      return true;
    });
    // Quiet for a while: a duplicate answer would begin within this time; then let any answer finish.
    Await.sleep(1_200);
    Await.until("no answer in progress", TIMEOUT, () -> {
      List<JsonNode> emitted = s.upstream().emittedEvents();
      return count(emitted, "response.created") == count(emitted, "response.done");
    });
    for (String text : typedTexts) {
      assertThat(client.events("transcript.done")).filteredOn(e -> text.equals(e.path("text").asText()))
          .as("'%s' echoed once", text).hasSize(1);
    }
    auditUpstream(s.upstream(), typedTexts, client);
  }

  private static long count(List<JsonNode> events, String type) {
    return events.stream().filter(e -> type.equals(e.path("type").asText())).count();
  }

  /** The first finished, uninterrupted AI answer after the echo of {@code text}, or null. */
  private static JsonNode answerAfter(List<JsonNode> events, String text) {
    boolean echoed = false;
    for (JsonNode e : events) {
      if (!"transcript.done".equals(e.path("type").asText())) {
        continue;
      }
      if ("user".equals(e.path("role").asText()) && text.equals(e.path("text").asText())) {
        echoed = true;
      } else if (echoed && "assistant".equals(e.path("role").asText()) && !e.path("interrupted").asBoolean()) {
        return e;
      }
    }
    return null;
  }

  /**
   * At the simulator: each typed item has a completed response that began after it entered the
   * conversation, and every completed response had something new to answer (no duplicate answers).
   */
  private static void auditUpstream(SimulatedSession upstream, List<String> typedTexts, VoiceClient client) {
    List<JsonNode> events = upstream.emittedEvents();
    Map<String, String> textOfItem = new HashMap<>();
    upstream.items().forEach(i -> textOfItem.put(i.id(), i.text()));
    Map<String, Integer> addedAt = new HashMap<>();
    Map<String, Integer> createdAt = new HashMap<>();
    List<Integer> completedStarts = new ArrayList<>();
    List<Integer> questionItems = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      switch (e.path("type").asText()) {
        case "conversation.item.added" -> {
          addedAt.putIfAbsent(e.path("item").path("id").asText(), i);
          if (!"assistant".equals(e.path("item").path("role").asText())) {
            questionItems.add(i);
          }
        }
        case "response.created" -> createdAt.put(e.path("response").path("id").asText(), i);
        case "response.done" -> {
          if ("completed".equals(e.path("response").path("status").asText())) {
            completedStarts.add(createdAt.get(e.path("response").path("id").asText()));
          }
        }
        default -> { }
      }
    }
    for (String text : typedTexts) {
      String itemId = textOfItem.entrySet().stream().filter(en -> text.equals(en.getValue()))
          .map(Map.Entry::getKey).filter(id -> id.startsWith("vr_")).findFirst().orElse(null);
      if (itemId == null) {
        continue; // typed on an earlier upstream session; audited there
      }
      int added = addedAt.get(itemId);
      assertThat(completedStarts).as("a completed answer began after '%s' entered", text).anyMatch(c -> c > added);
    }
    int previous = -1;
    for (int start : completedStarts) {
      int from = previous;
      assertThat(questionItems).as("the answer begun at event %d had a new turn to answer", start)
          .anyMatch(q -> q > from && q < start);
      previous = start;
    }
    long clientAnswers = client.events("transcript.done").stream()
        .filter(e -> "assistant".equals(e.path("role").asText()) && !e.path("interrupted").asBoolean()).count();
    assertThat(clientAnswers).as("the client saw every completed answer").isGreaterThanOrEqualTo(completedStarts.size());
  }
}
