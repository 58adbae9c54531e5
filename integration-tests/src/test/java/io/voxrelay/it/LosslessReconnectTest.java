package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Lossless reconnection")
class LosslessReconnectTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of(), 1, 1, 1, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  @DisplayName("a conversation dropped at random 60 times delivers every event once and in order, and processes every message once")
  void randomDrops() {
    long seed = io.voxrelay.testing.Seeds.of("LosslessReconnectTest", "voxrelay.reconnect.seed", 60_2026L);
    Random random = new Random(seed);
    int before = deployment.simulator.sessions().size();
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
    List<String> texts = new ArrayList<>();
    int pauses = 0;
    int drops = 0;
    try (ReliableClient client = new ReliableClient(deployment.clientVertx(), () -> deployment.gatewayPort(0), session)) {
      client.connect();
      SimulatedSession upstream = InterviewSessionTest.upstreamOf(deployment, before);
      for (int step = 0; step < 60; step++) {
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            String text = "message " + step + " (seed " + seed + ")";
            texts.add(text);
            client.send("text", ",\"text\":\"" + text + "\"");
          }
          case 2 -> {
            client.send("pause_interview", "");
            client.send("resume_interview", "");
            pauses++;
          }
          default -> SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(300), 40).forEach(client::sendAudio);
        }
        // Drop now, or a little later, often while the AI is still answering.
        Await.sleep(random.nextInt(250));
        client.drop();
        drops++;
        if (random.nextInt(3) == 0) {
          Await.sleep(random.nextInt(400));
        }
        client.connect();
      }
      int expectedPauses = pauses;
      Await.until("every typed turn was echoed and every pause taken", TIMEOUT,
          () -> client.processed("transcript.done").stream().filter(e -> "user".equals(e.path("role").asText())
              && e.path("text").asText().startsWith("message ")).count() == texts.size()
              && client.processed("interview.resumed").size() == expectedPauses);
      Await.sleep(1_500);

      assertThat(drops).isGreaterThanOrEqualTo(50);
      assertThat(client.connections()).isEqualTo(drops + 1);
      assertThat(client.violations()).as("seqs out of order, duplicated or missing (seed %s)", seed).isEmpty();
      assertThat(client.durableCounts()).as("every durable event exactly once, in order")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, EventSeq.durableCount(client.lastSeq())).boxed().toList());
      assertThat(client.truncations()).as("no transient event was lost: the relay's ring covered every gap").isEmpty();
      assertThat(client.deltaMismatches()).as("every answer's deltas, each once, add up to its text").isEmpty();
      assertThat(client.processed("transcript.delta")).as("transient events were replayed too").isNotEmpty();

      List<String> echoed = client.processed("transcript.done").stream()
          .filter(e -> "user".equals(e.path("role").asText()) && e.path("text").asText().startsWith("message "))
          .map(e -> e.path("text").asText()).toList();
      assertThat(echoed).as("each typed turn processed once, in order").containsExactlyElementsOf(texts);
      assertThat(client.processed("interview.paused")).hasSize(pauses);
      assertThat(client.processed("interview.resumed")).hasSize(pauses);

      assertThat(deployment.simulator.sessions()).as("one upstream for the whole conversation").hasSize(before + 1);
      List<String> atUpstream = upstream.items().stream().filter(i -> "input_text".equals(i.contentType()))
          .map(ConversationItem::text).toList();
      assertThat(atUpstream).as("each typed turn reached the model once, in order").containsExactlyElementsOf(texts);
    }
  }

  @Test
  @DisplayName("a client away for longer than the replay bound is told to redraw from the history, then goes on")
  void pastTheReplayBound() {
    try (Deployment small = Deployment.start(Map.of("VOXRELAY_REPLAY_MAX_EVENTS", "2"), 1, 1, 0, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(small.clientVertx(), small.gatewayPort(0));
      try (ReliableClient client = new ReliableClient(small.clientVertx(), () -> small.gatewayPort(0), session)) {
        client.connect();
        client.send("text", ",\"text\":\"Tell me a long story.\"");
        Await.until("the typed turn is in", TIMEOUT, () -> !client.processed("transcript.done").isEmpty());
        // Two more typed turns wait at the relay for the answer under way, then get their own.
        client.send("text", ",\"text\":\"And then?\"");
        client.send("text", ",\"text\":\"And after that?\"");
        Await.sleep(300);
        long before = client.lastSeq();
        client.drop();
        // Away while three answers and two typed turns finish: five durable events, past the bound of 2.
        Await.sleep(3_000);
        client.connect();
        Await.until("the truncation notice", TIMEOUT, () -> !client.truncations().isEmpty());
        JsonNode history = client.lastConnected().path("history");
        assertThat(history).as("the history to redraw from").hasSize(6);
        assertThat(history.get(5).path("role").asText()).isEqualTo("assistant");
        JsonNode truncation = client.truncations().get(0);
        assertThat(truncation.path("transientOnly").asBoolean()).as("durable events were lost").isFalse();
        assertThat(truncation.path("resumeFromSeq").asLong()).isGreaterThan(EventSeq.nextDurable(before));

        client.send("text", ",\"text\":\"And another.\"");
        Await.until("the next answer arrives in order", TIMEOUT, () -> client.processed("transcript.done").stream()
            .anyMatch(e -> "And another.".equals(e.path("text").asText())));
        assertThat(client.violations()).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("two connections opened at once for one session: exactly one stays live, with exactly one upstream")
  void twoConnectionsAtOnce() {
    int before = deployment.simulator.sessions().size();
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
    VoiceClient a = VoiceClient.open(deployment.clientVertx(), deployment.gatewayPort(0), session.sessionId());
    VoiceClient b = VoiceClient.open(deployment.clientVertx(), deployment.gatewayPort(0), session.sessionId());
    try (a; b) {
      String hello = "{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}";
      a.send(hello);
      b.send(hello);
      Await.until("one connection is live and the other closed", TIMEOUT,
          () -> (a.isClosed() != b.isClosed()) && (!a.events("connected").isEmpty() || !b.events("connected").isEmpty()));
      Await.sleep(1_000);
      VoiceClient live = a.isClosed() ? b : a;
      VoiceClient closed = a.isClosed() ? a : b;
      assertThat(live.isClosed()).isFalse();
      assertThat(closed.awaitClose(TIMEOUT)).isIn(4409, 4401);
      assertThat(deployment.simulator.sessions().subList(before, deployment.simulator.sessions().size()))
          .as("upstreams opened for the session").hasSize(1);
      InterviewSessionTest.voiceTurn(live);
      JsonNode answer = live.events("transcript.done").get(live.events("transcript.done").size() - 1);
      assertThat(answer.path("role").asText()).isEqualTo("assistant");
    }
  }
}
