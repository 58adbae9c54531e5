package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.LeaseConfig;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live path never waits for the store: transient events (transcript deltas, {@code speech.started},
 * {@code response.done}) reach the client at once and are replayed from the relay's ring; durable ones are
 * stored first, and the store's writes follow turns and state changes, not deltas.
 */
class LivePathTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** No store write for this long: the writes a step caused are done. */
  private static final Duration QUIET = Duration.ofMillis(500);

  @Test
  @DisplayName("with the session service stopped, speech.started and deltas still reach the client; after it "
      + "returns, the turns are stored and a reconnect replays everything once, in order, from ring and store")
  void sessionServiceOutage() {
    try (Deployment d = Deployment.start(Map.of("VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "4000"), 1, 1, 0, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(d.clientVertx(), d.gatewayPort(0));
      try (ReliableClient client = new ReliableClient(d.clientVertx(), () -> d.gatewayPort(0), session)) {
        client.connect();
        long durablesBefore = EventSeq.durableCount(client.lastSeq());

        d.stopSessionService(0);
        for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(1_500), 40)) {
          client.sendAudio(chunk);
          Await.sleep(5);
        }
        Await.until("speech.started while the session service is down", TIMEOUT,
            () -> !client.processed("speech.started").isEmpty());
        Await.until("the answer's first delta while the session service is down", TIMEOUT,
            () -> !client.processed("transcript.delta").isEmpty());
        assertThat(client.processed("transcript.done")).as("finished turns wait for the store").isEmpty();
        assertThat(EventSeq.durableCount(client.lastSeq())).isEqualTo(durablesBefore);

        // Away while the answer streams on: its remaining deltas wait in the relay's ring.
        client.drop();
        Await.sleep(1_500);
        d.startServices(1, 0, 0, 0);
        // The relay's outbox stores the finished turns once the service is back (it retries with backoff).
        client.connect();
        Await.until("both finished turns after the return", TIMEOUT,
            () -> client.processed("transcript.done").size() == 2);
        Await.sleep(500);

        List<JsonNode> done = client.processed("transcript.done");
        assertThat(done).extracting(e -> e.path("role").asText()).containsExactly("user", "assistant");
        assertThat(done.get(1).path("text").asText()).contains("I spoke for");
        client.drop();
        client.connect();
        assertThat(client.lastConnected().path("history")).as("stored after the service returned").hasSize(2);
        assertThat(client.violations()).as("seqs out of order, duplicated or missing").isEmpty();
        assertThat(client.truncations()).as("the ring held every transient event").isEmpty();
        assertThat(client.durableCounts()).containsExactlyElementsOf(
            LongStream.rangeClosed(1, EventSeq.durableCount(client.lastSeq())).boxed().toList());
        assertThat(client.deltaMismatches()).as("every delta once, in order").isEmpty();
        assertThat(client.processed("transcript.delta")).hasSizeGreaterThan(5);
        assertThat(client.processed("response.done")).hasSize(1);
      }
    }
  }

  @Test
  @DisplayName("a session-service outage past the relay lease's time to live stops no conversation: speech reaches "
      + "the upstream and its answer the client; past the lease and its outage allowance, the relay holds off")
  void outageLongerThanTheLease() {
    LeaseConfig lease = LeaseConfig.defaults();
    try (Deployment d = Deployment.start(Map.of("VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "1000"), 1, 1, 0, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(d.clientVertx(), d.gatewayPort(0), null, "outage-lease");
      try (ReliableClient client = new ReliableClient(d.clientVertx(), () -> d.gatewayPort(0), session)) {
        client.connect();
        var upstream = d.upstream("outage-lease");
        d.stopSessionService(0);
        long stoppedAt = System.nanoTime();
        // The store would count the relay's lease out a time to live after its last renewal: past that now.
        Await.sleep(lease.ttlMs() + 500);
        long audioBefore = upstream.audioBytesReceived();
        for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(1_000), 40)) {
          client.sendAudio(chunk);
        }
        Await.until("the answer's first delta while the session service is down", TIMEOUT,
            () -> !client.processed("transcript.delta").isEmpty());
        long answeredMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertThat(upstream.audioBytesReceived()).as("the microphone reached the upstream").isGreaterThan(audioBefore);
        assertThat(answeredMs).as("answered within the lease and its outage allowance")
            .isLessThan(lease.ttlMs() - lease.marginMs() + lease.outageMs());

        // Past the allowance the relay acts on nothing: its microphone audio no longer goes upstream.
        Await.sleep(Math.max(0, lease.ttlMs() + lease.outageMs() + 1_000 - (System.nanoTime() - stoppedAt) / 1_000_000));
        long heldFrom = upstream.audioBytesReceived();
        for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(500), 40)) {
          client.sendAudio(chunk);
        }
        Await.sleep(500);
        assertThat(upstream.audioBytesReceived()).as("nothing sent upstream past the allowance").isEqualTo(heldFrom);

        d.startServices(1, 0, 0, 0);
        Await.until("the turns stored once the service is back", TIMEOUT,
            () -> client.processed("transcript.done").size() >= 2);
        assertThat(client.violations()).as("seqs out of order, duplicated or missing").isEmpty();
      }
    }
  }

  @Test
  @DisplayName("the store's writes for a 30-second answer do not depend on how many deltas it streams")
  void storeWritesIndependentOfDeltas() {
    try (Deployment d = Deployment.start(Map.of("VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "30000"), 1, 1, 0, 1)) {
      Answer few = answer(d, "Hi.");
      Answer many = answer(d, "word ".repeat(150).strip() + ".");
      assertThat(many.deltas()).as("deltas").isGreaterThanOrEqualTo(10 * few.deltas());
      assertThat(many.writes()).as("write transactions: %s vs %s", few, many).isEqualTo(few.writes());
      assertThat(few.writes()).as("the text control, the typed turn, the answer's turn").isLessThanOrEqualTo(4);
    }
  }

  private record Answer(int deltas, long writes) {
  }

  /** One typed turn and its whole answer on a fresh session: the deltas seen and the store's writes meanwhile. */
  private static Answer answer(Deployment d, String text) {
    VoiceClient.Created session = VoiceClient.createSession(d.clientVertx(), d.gatewayPort(0));
    try (ReliableClient client = new ReliableClient(d.clientVertx(), () -> d.gatewayPort(0), session)) {
      client.connect();
      long before = Await.settled("the connect's writes", QUIET, TIMEOUT,
          () -> d.sessions.get(0).storeWriteTransactions());
      client.send("text", ",\"text\":\"" + text + "\"");
      Await.until("the answer's turn", TIMEOUT, () -> client.processed("transcript.done").stream()
          .anyMatch(e -> "assistant".equals(e.path("role").asText())));
      long writes = Await.settled("the answer's writes", QUIET, TIMEOUT,
          () -> d.sessions.get(0).storeWriteTransactions()) - before;
      assertThat(client.violations()).isEmpty();
      assertThat(client.deltaMismatches()).isEmpty();
      return new Answer(client.processed("transcript.delta").size(), writes);
    }
  }
}
