package io.voxrelay.it;

import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import io.vertx.core.http.WebSocketClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that stop reading while the AI speaks: the gateway holds back at most its configured bounds for
 * each, drops their audio, closes them once they stay full past the stall bound, and other sessions go on
 * unharmed; when they read again and reconnect, every sequenced event arrives exactly once.
 */
@Tag("full")
@Tag("alone")
@DisplayName("Slow readers: bounded memory, audio dropped, 1013 past the stall bound, nothing lost or doubled")
class SlowReaderTest {

  private static final int QUEUE_BYTES = 256 * 1024;
  private static final int OVERFLOW_BYTES = 64 * 1024;
  private static final int STALL_MS = 15_000;
  private static final int PAUSED_CLIENTS = 10;
  private static final long PAUSE_MS = 40_000;
  private static Deployment deployment;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of(
        // Each answer is 5 minutes of audio, streamed at 5x real time: the AI speaks through the whole pause.
        "VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", "300000",
        // The simulator's own record of each session's events would be most of this JVM's heap growth.
        "VOXRELAY_SIMULATOR_RECORDED_EVENTS", "100",
        "VOXRELAY_CLIENT_QUEUE_BYTES", String.valueOf(QUEUE_BYTES),
        "VOXRELAY_CLIENT_OVERFLOW_BYTES", String.valueOf(OVERFLOW_BYTES),
        "VOXRELAY_CLIENT_STALL_MS", String.valueOf(STALL_MS)), 1, 1, 0, 1);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  /** A fresh session's text turn: ms from sending it to the first of the AI's answer. */
  private static long turnLatencyMs() {
    int port = deployment.gatewayPort(0);
    try (VoiceClient probe = VoiceClient.connect(deployment.clientVertx(), port,
        VoiceClient.createSession(deployment.clientVertx(), port))) {
      long sent = System.nanoTime();
      probe.send("{\"type\":\"text\",\"seq\":1,\"text\":\"How long is this?\"}");
      probe.awaitEvent("the answer's first audio", Duration.ofSeconds(20),
          e -> "audio".equals(e.path("type").asText()));
      long latency = (System.nanoTime() - sent) / 1_000_000;
      // Stops the long answer, so the probes do not add up to load of their own.
      probe.send("{\"type\":\"pause_interview\",\"seq\":2}");
      probe.awaitEvent("interview.paused", Duration.ofSeconds(20));
      return latency;
    }
  }

  @Test
  @DisplayName("10 clients stop reading for 40 s while the AI answers: heap bounded, closed 1013, another session's turns unchanged, every event once after resume")
  void clientsThatStopReading() {
    int port = deployment.gatewayPort(0);
    List<ReliableClient> paused = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < PAUSED_CLIENTS; i++) {
        // A small receive buffer: the kernel holds back little, so the gateway's own queue fills.
        ReliableClient client = new ReliableClient(deployment.clientVertx(), () -> port,
            VoiceClient.createSession(deployment.clientVertx(), port),
            new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
        paused.add(client);
        client.connect();
        client.send("text", ",\"text\":\"Tell me everything, client " + i + ".\"");
      }
      for (ReliableClient client : paused) {
        Await.until("the AI answers", Duration.ofSeconds(20), () -> !client.processed("transcript.delta").isEmpty()
            || !client.processed("transcript.done").isEmpty());
      }
      List<Long> before = List.of(turnLatencyMs(), turnLatencyMs(), turnLatencyMs());
      long heapBefore = RawWebSocket.usedHeapAfterGc();

      long pausedAt = System.nanoTime();
      paused.forEach(ReliableClient::pauseReading);
      List<Long> during = new ArrayList<>();
      long heapDuring = 0;
      while (System.nanoTime() - pausedAt < Duration.ofMillis(PAUSE_MS).toNanos()) {
        during.add(turnLatencyMs());
        heapDuring = Math.max(heapDuring, RawWebSocket.usedHeapAfterGc());
        Await.sleep(2_000);
      }
      paused.forEach(ReliableClient::resumeReading);
      System.out.printf("[SlowReaderTest] heap growth %d KiB (bound %d KiB); turn latency before %s ms, during %s ms%n",
          (heapDuring - heapBefore) / 1024, (PAUSED_CLIENTS * (QUEUE_BYTES + OVERFLOW_BYTES + 64 * 1024L)
              + 24L * 1024 * 1024) / 1024, before, during);

      // Queues, the overflow and a frame's worth of slack each, plus 24 MB for the JVM's own noise (a clean CI
      // run once measured 12 MB where others measured 4). Without the bounds the growth is about 90 MB: 40 s of
      // audio at 5x real time, less what the kernel's buffers hold, queued for each of them.
      long bound = PAUSED_CLIENTS * (QUEUE_BYTES + OVERFLOW_BYTES + 64 * 1024L) + 24L * 1024 * 1024;
      assertThat(heapDuring - heapBefore).as("heap growth while %d clients did not read (bytes)", PAUSED_CLIENTS)
          .isLessThan(bound);
      assertThat(logs.lines().stream().filter(l -> l.contains("it stopped reading")).count())
          .as("each client that stayed full past the stall bound was closed").isEqualTo(PAUSED_CLIENTS);
      long worstBefore = before.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(during).as("another session's turn latency while they did not read (before: %s)", before)
          .allSatisfy(ms -> assertThat(ms).isLessThan(3 * worstBefore + 500));

      for (ReliableClient client : paused) {
        Await.until("the server's close reached the client", Duration.ofSeconds(30), () -> !client.isConnected());
        assertThat(client.lastCloseCode()).as("1013, or the socket cut once its close frame waited too long")
            .isIn(1013, 1006);
        client.connect();
        client.send("pause_interview", "");
      }
      for (ReliableClient client : paused) {
        Await.until("the pause is processed", Duration.ofSeconds(30),
            () -> !client.processed("interview.paused").isEmpty());
        assertThat(client.violations()).as("seqs out of order, duplicated or missing").isEmpty();
        assertThat(client.durableCounts()).as("every durable event exactly once, in order")
            .containsExactlyElementsOf(LongStream.rangeClosed(1, EventSeq.durableCount(client.lastSeq())).boxed().toList());
        assertThat(client.deltaMismatches()).isEmpty();
      }
    } finally {
      paused.forEach(ReliableClient::close);
    }
  }
}
