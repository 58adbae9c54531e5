package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile clients against real services, fuzzed from a seed printed at the start ({@code -Dvoxrelay.fuzz.seed}
 * replays a run, {@code -Dvoxrelay.fuzz.frames} sets its length; CI runs 100 000 frames, the README has the
 * long run). Four {@link Attacker}s send what {@link ClientFrameFuzzer} and {@link RawAttack} draw, each from a
 * forwarded address of its own behind a trusted proxy, and {@link FuzzConnection} checks every answer against
 * {@code docs/protocol.md}. Meanwhile a probe measures the heartbeat round trip through the gateway and a
 * victim holds voice turns. Checked at the end: no violation, the victim's turns all complete, no service
 * event loop held for 100 ms, the heap back near its baseline, no secret in a log line, no error logged.
 */
@Tag("full")
@Tag("alone")
@DisplayName("Hostile clients, fuzzed: every bad frame gets its documented answer and no one else is harmed")
class HostileClientFuzzTest {

  private static final String KEY = "fuzz-api-key-0123456789abcdef";
  private static final String UPSTREAM_KEY = "sk-fuzz-upstream-secret-0123456789";
  private static final int ATTACKERS = 4;
  private static final int DECOYS = 4;
  /** What Vert.x's blocked-thread checker logs. */
  private static final String BLOCKED = "has been blocked for";
  /** Resume tokens: 32 random bytes, base64url without padding. */
  private static final Pattern TOKEN_SHAPE = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
  private static Deployment deployment;
  private static Vertx probeVertx;

  private final long seed = io.voxrelay.testing.Seeds.of("HostileClientFuzzTest", "voxrelay.fuzz.seed", 20261206L);
  private final long target = Long.getLong("voxrelay.fuzz.frames", 100_000);
  private final FuzzTally tally = new FuzzTally();

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of(
        "VOXRELAY_API_KEY", KEY,
        "OPENAI_API_KEY", UPSTREAM_KEY,
        "VOXRELAY_TRUSTED_PROXIES", "127.0.0.1",
        // Any task that holds a service's event loop for 100 ms is logged, and fails the run.
        "VOXRELAY_TEST_EVENT_LOOP_LIMIT_MS", "100",
        "VOXRELAY_AUDIO_BURST_MS", "2000",
        "VOXRELAY_HELLO_TIMEOUT_MS", "1000",
        "VOXRELAY_DETACH_GRACE_MS", "1000",
        // The simulator's records of what it saw are the test's own memory, not the services': kept small.
        "VOXRELAY_SIMULATOR_RECORDED_EVENTS", "50",
        "VOXRELAY_SIMULATOR_RECORDED_SESSIONS", "20"), 1, 1, 0, 1);
    // The probe's client runs on its own Vert.x, so the attackers' client loop cannot delay what it measures.
    probeVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (probeVertx != null) {
      Await.result(probeVertx.close());
    }
    if (deployment != null) {
      deployment.close();
    }
  }

  /** A log line that holds a key, something shaped like a token, or a blocked loop: kept, and checked. */
  private static boolean worthKeeping(String line) {
    return line.contains(KEY) || line.contains(UPSTREAM_KEY) || line.contains(BLOCKED)
        || TOKEN_SHAPE.matcher(line).find();
  }

  @Test
  @DisplayName("fuzzed frames from four attackers: documented answers only, a victim's voice turns complete, "
      + "no event-loop stall, heap back to baseline, no secret or error in the logs")
  void fuzz() throws Exception {
    int port = deployment.gatewayPort(0);
    System.out.printf("[HostileClientFuzzTest] seed %d, %d frames%n", seed, target);
    tally.secret(KEY);
    tally.secret(UPSTREAM_KEY);
    FuzzSessions sessions = new FuzzSessions(port, KEY, tally);
    List<VoiceClient.Created> decoys = new ArrayList<>();
    for (int i = 0; i < DECOYS; i++) {
      decoys.add(sessions.create());
    }
    VoiceClient.Created victimSession = sessions.create();
    VoiceClient.Created probeSession = sessions.create();
    // Warm up (JIT, pools, the first upstream) before the heap baseline.
    try (VoiceClient warm = VoiceClient.connect(deployment.clientVertx(), port, sessions.create())) {
      warm.streamAudio(SpeechLikeAudio.turn(600), 20);
      warm.awaitEvent("an answer", Duration.ofSeconds(20), e -> "assistant".equals(e.path("role").asText())
          && "transcript.done".equals(e.path("type").asText()));
    }
    long heapBefore = RawWebSocket.usedHeapAfterGc();
    // -Dvoxrelay.fuzz.histogram=true prints what grew, by class, to find what a long run leaves behind.
    Map<String, Long> histogramBefore = Boolean.getBoolean("voxrelay.fuzz.histogram") ? HeapHistogram.take() : null;

    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> victimTurnsMs = Collections.synchronizedList(new ArrayList<>());
    WebSocketClient attackersClient = deployment.clientVertx().createWebSocketClient();
    RawAttack rawAttacks = new RawAttack(port, decoys, tally);
    long started = System.nanoTime();
    try (LogCapture logs = new LogCapture(HostileClientFuzzTest::worthKeeping);
         PongProbe probe = new PongProbe(probeVertx, port, probeSession);
         VoiceClient victim = VoiceClient.connect(deployment.clientVertx(), port, victimSession)) {
      victim.countAudioOnly();
      Await.sleep(200);
      probe.reset();
      Thread victimThread = new Thread(() -> holdVoiceTurns(victim, running, victimTurnsMs), "fuzz-victim");
      victimThread.start();
      List<Thread> attackers = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < ATTACKERS; i++) {
        Attacker attacker = new Attacker(i, seed, attackersClient, port, sessions, rawAttacks, tally);
        Thread t = new Thread(() -> {
          try {
            attacker.run(target);
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "fuzz-attacker-" + i);
        attackers.add(t);
        t.start();
      }
      for (Thread t : attackers) {
        t.join(Duration.ofMinutes(30).toMillis());
      }
      running.set(false);
      victimThread.join(60_000);
      double elapsedS = (System.nanoTime() - started) / 1e9;
      double maxRoundTripMs = probe.maxRoundTripMs();
      long pongs = probe.pongs();

      // What the attackers left behind goes: their upstreams close after the detach grace.
      Await.sleep(3_000);
      long heapAfter = RawWebSocket.usedHeapAfterGc();
      if (histogramBefore != null) {
        System.out.println("[HostileClientFuzzTest] heap growth by class (bytes):\n" + HeapHistogram.growth(
            histogramBefore, HeapHistogram.take(), 30));
      }
      List<String> errorLines = logs.errors();
      List<String> leaks = logs.lines().stream().filter(tally::leaks).limit(5).toList();
      List<String> blocked = logs.lines().stream().filter(l -> l.contains(BLOCKED)).limit(5).toList();

      System.out.printf("[HostileClientFuzzTest] seed %d: %d frames in %.0f s, %d distinct mutations, %d violations, "
              + "%d error log lines, %d event-loop blocks over 100 ms; probe %d pongs, longest round trip %.1f ms; "
              + "victim turns %s ms; heap before %d KiB, after %d KiB%n", seed, tally.frames(), elapsedS,
          tally.distinctMutations(), tally.violations().size(), errorLines.size(), blocked.size(), pongs,
          maxRoundTripMs, victimTurnsMs, heapBefore / 1024, heapAfter / 1024);
      System.out.printf("[HostileClientFuzzTest] answers: %s%n", tally.answers());

      assertThat(failures).as("attackers that failed (seed %d)", seed).isEmpty();
      assertThat(tally.frames()).isGreaterThanOrEqualTo(target);
      assertThat(tally.violations()).as("answers that the protocol does not document (seed %d)", seed).isEmpty();
      assertThat(errorLines).as("error log lines (seed %d)", seed).isEmpty();
      assertThat(leaks).as("log lines with a secret").isEmpty();
      assertThat(victimTurnsMs).as("the victim's voice turns").hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(ms -> assertThat(ms).isLessThan(20_000));
      assertThat(pongs).as("the probe kept talking").isPositive();
      assertThat(blocked).as("services' event loops held for 100 ms or more").isEmpty();
      // The round trip adds both sides' scheduling and GC to the gateway's loop: a stall shows, noise passes.
      assertThat(maxRoundTripMs).as("the longest heartbeat round trip through the gateway (ms)").isLessThan(500);
      assertThat(heapAfter - heapBefore).as("heap growth after the run (bytes)").isLessThan(16L << 20);
      try (VoiceClient after = VoiceClient.connect(deployment.clientVertx(), port, sessions.create())) {
        assertThat(after.events("connected")).as("a new session still connects").hasSize(1);
      }
    } finally {
      attackersClient.close();
    }
  }

  /** The victim: a voice turn at a time, each timed from its last audio to the answer's end, until stopped. */
  private static void holdVoiceTurns(VoiceClient victim, AtomicBoolean running, List<Long> turnsMs) {
    while (running.get()) {
      long answered = assistantTurns(victim);
      victim.streamAudio(SpeechLikeAudio.turn(600), 20);
      long sent = System.nanoTime();
      Await.until("the victim's turn is answered", Duration.ofSeconds(30), () -> assistantTurns(victim) > answered);
      turnsMs.add((System.nanoTime() - sent) / 1_000_000);
      victim.send("{\"type\":\"heartbeat.ping\"}");
      Await.sleep(1_000);
    }
  }

  private static long assistantTurns(VoiceClient client) {
    return client.events("transcript.done").stream().filter(e -> "assistant".equals(e.path("role").asText())).count();
  }
}
