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
 * upstream reconnects. Checked at the client (one echo, then its own answer) and at the simulator (the answer
 * asked for the typed item, begun after it entered the conversation, and no turn answered twice).
 */
@DisplayName("Typed turns are answered exactly once, whenever they arrive")
class TypedTurnsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Less than the relay's T_answer (5 s): an answer by then was asked for at once, not asked again. */
  private static final Duration ASKED_AT_ONCE = Duration.ofSeconds(4);
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
    /** The same client on the upstream session the relay opened after this one dropped. */
    Session reopened() {
      return new Session(client, InterviewSessionTest.upstreamOf(deployment,
          deployment.simulator.sessions().indexOf(upstream) + 1));
    }
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
  @DisplayName("typed while turn detection hears speech that never ends (a fake microphone's beeps): answered at once")
  void whileANoisyMicrophoneStreams() throws InterruptedException {
    Session s = open();
    try (VoiceClient client = s.client()) {
      // The microphone streams in real time throughout, as a browser's does: audio never stops reaching the relay.
      java.util.concurrent.atomic.AtomicBoolean streaming = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread microphone = new Thread(() -> {
        for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.beeps(60_000), 40)) {
          if (!streaming.get()) {
            return;
          }
          client.send("{\"type\":\"audio\",\"data\":\"" + chunk + "\"}");
          Await.sleep(40);
        }
      }, "fake-microphone");
      microphone.start();
      try {
        Await.until("the upstream hears speech", TIMEOUT, () -> s.upstream().emittedEvents().stream()
            .anyMatch(e -> "input_audio_buffer.speech_started".equals(e.path("type").asText())));
        type(client, "typed over a beeping microphone");
        // Before the relay's bound on asking again (5 s) would bring it: the first request is the one answered.
        Await.until("its own answer", ASKED_AT_ONCE,
            () -> answerAfter(client.events(), "typed over a beeping microphone") != null);
      } finally {
        streaming.set(false);
        microphone.join(5_000);
      }
      awaitSettled(s, List.of("typed over a beeping microphone"));
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
      awaitSettled(s.reopened(), List.of("before the drop", "typed while the upstream is away"));
      assertThat(client.events("error")).as("no error: the relay held the turn").isEmpty();
    }
  }

  @Test
  @DisplayName("typed while the upstream stays away past T_enter: withdrawn with its seq, sent again, carried out once")
  void withdrawnPastTheEnterBoundAndResent() {
    Session s = open();
    try (VoiceClient client = s.client()) {
      type(client, "before the outage");
      awaitSettled(s, List.of("before the outage"));
      // Reopening fails three times (at about 1.5, 4.5 and 9.5 s) and succeeds at about 14.5 s: past T_enter.
      deployment.simulator.refuseHandshakes(3);
      s.upstream().drop();
      client.awaitEvent("upstream.reconnecting", TIMEOUT);
      String typed = "{\"type\":\"text\",\"text\":\"typed into a long outage\",\"seq\":1}";
      client.send(typed);
      JsonNode withdrawn = client.awaitEvent("the turn withdrawn", TIMEOUT,
          e -> "error".equals(e.path("type").asText()) && "turn_withdrawn".equals(e.path("code").asText()));
      assertThat(withdrawn.path("clientSeq").asLong()).isEqualTo(1);
      assertThat(client.events("transcript.done")).as("it never entered as first sent")
          .noneMatch(e -> "typed into a long outage".equals(e.path("text").asText()));
      client.send(typed);
      client.awaitEvent("upstream.restored", TIMEOUT);
      awaitSettled(s.reopened(), List.of("before the outage", "typed into a long outage"));
      assertThat(client.events("error")).as("withdrawn once, no other error").hasSize(1);
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

  /**
   * The typed turn's own answer: the first finished, uninterrupted AI answer after the echo of {@code text}
   * that answers it (the simulator's answer names the turn it answers), or null.
   */
  private static JsonNode answerAfter(List<JsonNode> events, String text) {
    boolean echoed = false;
    for (JsonNode e : events) {
      if (!"transcript.done".equals(e.path("type").asText())) {
        continue;
      }
      if ("user".equals(e.path("role").asText()) && text.equals(e.path("text").asText())) {
        echoed = true;
      } else if (echoed && "assistant".equals(e.path("role").asText()) && !e.path("interrupted").asBoolean()
          && e.path("text").asText().contains("You said: " + text)) {
        return e;
      }
    }
    return null;
  }

  /**
   * At the simulator: each typed item has a completed response asked for it (its metadata names the item)
   * that began after the item entered the conversation, and no turn has two completed answers.
   */
  private static void auditUpstream(SimulatedSession upstream, List<String> typedTexts, VoiceClient client) {
    List<JsonNode> events = upstream.emittedEvents();
    Map<String, String> textOfItem = new HashMap<>();
    upstream.items().forEach(i -> textOfItem.put(i.id(), i.text()));
    Map<String, Integer> addedAt = new HashMap<>();
    Map<String, Integer> createdAt = new HashMap<>();
    Map<String, Integer> completedAnswerStart = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      switch (e.path("type").asText()) {
        case "conversation.item.added" -> addedAt.putIfAbsent(e.path("item").path("id").asText(), i);
        case "response.created" -> createdAt.put(e.path("response").path("id").asText(), i);
        case "response.done" -> {
          JsonNode response = e.path("response");
          if ("completed".equals(response.path("status").asText())) {
            String answers = response.path("metadata").path("voxrelay_answers").asText(null);
            assertThat(answers).as("every completed answer was asked for a turn: %s", response).isNotNull();
            assertThat(completedAnswerStart.put(answers, createdAt.get(response.path("id").asText())))
                .as("turn %s answered twice", answers).isNull();
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
      assertThat(completedAnswerStart.get(itemId)).as("the answer asked for '%s'", text).isNotNull()
          .isGreaterThan(addedAt.get(itemId));
    }
    long clientAnswers = client.events("transcript.done").stream()
        .filter(e -> "assistant".equals(e.path("role").asText()) && !e.path("interrupted").asBoolean()).count();
    assertThat(clientAnswers).as("the client saw every completed answer").isGreaterThanOrEqualTo(completedAnswerStart.size());
  }
}
