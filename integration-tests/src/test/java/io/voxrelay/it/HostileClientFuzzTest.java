package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile clients against real services, fuzzed from a seed printed at the start ({@code -Dvoxrelay.fuzz.seed}
 * replays a run, {@code -Dvoxrelay.fuzz.frames} sets its length; CI runs 100 000 frames, see the README for
 * the long run). Four attackers send mutations of every client message, binary frames, floods of controls and
 * audio, slow reads, forged, replayed and other sessions' tokens, hellos without a token, compressed and
 * oversized frames and frames after a close, each from a forwarded address of its own behind a trusted proxy.
 * Meanwhile a probe measures the gateway's event loop by its heartbeat round trip and a victim holds voice
 * turns. Checked: each answer is the documented one, the victim's turns all complete, the event loop never
 * stalls for 100 ms, the heap returns to its baseline, no secret reaches the logs, nothing logs an error.
 */
@DisplayName("Hostile clients, fuzzed: every bad frame gets its documented answer and no one else is harmed")
class HostileClientFuzzTest {

  private static final String KEY = "fuzz-api-key-0123456789abcdef";
  private static final String UPSTREAM_KEY = "sk-fuzz-upstream-secret-0123456789";
  private static final int ATTACKERS = 4;
  private static final int DECOYS = 4;
  private static Deployment deployment;
  private static Vertx probeVertx;

  private final long seed = Long.getLong("voxrelay.fuzz.seed", System.nanoTime());
  private final long target = Long.getLong("voxrelay.fuzz.frames", 100_000);
  private final AtomicLong frames = new AtomicLong();
  private final Set<String> mutations = ConcurrentHashMap.newKeySet();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> answers = FuzzConnection.newAnswerCounts();
  private final List<VoiceClient.Created> decoys = new ArrayList<>();
  private int port;

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

  /**
   * The JDK's HTTP client for the run's thousands of session creations: one client, so the test's own side
   * stays bounded, and independent of the Vert.x client the attackers use, so a creation that gets no answer
   * is the server's doing.
   */
  private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** Creates a session; one that gets no answer in 15 s is a violation, and the attacker tries again. */
  private VoiceClient.Created newSession() {
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      try {
        java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/v1/sessions"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"instructions\":\"You are a test interviewer.\",\"questions\":[\"Who are you?\"]}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
          throw new AssertionError("session creation answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode body = io.voxrelay.common.json.Json.parse(response.body());
        VoiceClient.Created created = new VoiceClient.Created(body.path("sessionId").asText(),
            body.path("token").asText());
        secrets.add(created.token());
        return created;
      } catch (java.io.IOException e) {
        violations.add("creating a session failed after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + e);
        if (attempt >= 3) {
          throw new java.io.UncheckedIOException(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  @DisplayName("fuzzed frames from four attackers: documented answers only, a victim's voice turns complete, "
      + "no event-loop stall, heap back to baseline, no secret or error in the logs")
  void fuzz() throws Exception {
    port = deployment.gatewayPort(0);
    System.out.printf("[HostileClientFuzzTest] seed %d, %d frames (replay: -Dvoxrelay.fuzz.seed=%d)%n", seed, target,
        seed);
    for (int i = 0; i < DECOYS; i++) {
      decoys.add(newSession());
    }
    secrets.add(KEY);
    secrets.add(UPSTREAM_KEY);
    VoiceClient.Created victimSession = newSession();
    VoiceClient.Created probeSession = newSession();
    // Warm up (JIT, pools, the first upstream) before the heap baseline.
    try (VoiceClient warm = VoiceClient.connect(deployment.clientVertx(), port, newSession())) {
      warm.streamAudio(SpeechLikeAudio.turn(600), 20);
      warm.awaitEvent("an answer", Duration.ofSeconds(20), e -> "assistant".equals(e.path("role").asText())
          && "transcript.done".equals(e.path("type").asText()));
    }
    long heapBefore = RawWebSocket.usedHeapAfterGc();
    // -Dvoxrelay.fuzz.histogram=true prints what grew, by class, to find what a long run leaves behind.
    Map<String, Long> histogramBefore = Boolean.getBoolean("voxrelay.fuzz.histogram") ? HeapHistogram.take() : null;

    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> victimTurnsMs = Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    try (LogCapture logs = new LogCapture(HostileClientFuzzTest::mayHoldSecret);
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
        int index = i;
        Thread t = new Thread(() -> {
          try {
            attack(index, new Random(seed + index));
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
      List<String> leaks = logs.lines().stream().filter(l -> secrets.stream().anyMatch(s -> !s.isEmpty()
          && l.contains(s))).limit(5).toList();
      List<String> blocked = logs.lines().stream().filter(l -> l.contains(BLOCKED)).limit(5).toList();

      System.out.printf("[HostileClientFuzzTest] seed %d: %d frames in %.0f s, %d distinct mutations, %d violations, "
              + "%d error log lines, %d event-loop blocks over 100 ms; probe %d pongs, longest round trip %.1f ms; victim turns %s ms; heap before "
              + "%d KiB, after %d KiB%n", seed, frames.get(), elapsedS, mutations.size(), violations.size(),
          errorLines.size(), blocked.size(), pongs, maxRoundTripMs, victimTurnsMs, heapBefore / 1024, heapAfter / 1024);
      System.out.printf("[HostileClientFuzzTest] answers: %s%n", new TreeMap<>(answers));

      assertThat(failures).as("attackers that failed (seed %d)", seed).isEmpty();
      assertThat(frames.get()).isGreaterThanOrEqualTo(target);
      assertThat(violations).as("answers that the protocol does not document (seed %d)", seed).isEmpty();
      assertThat(errorLines).as("error log lines (seed %d)", seed).isEmpty();
      assertThat(leaks).as("log lines with a secret").isEmpty();
      assertThat(victimTurnsMs).as("the victim's voice turns").hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(ms -> assertThat(ms).isLessThan(20_000));
      assertThat(pongs).as("the probe kept talking").isPositive();
      assertThat(blocked).as("services' event loops held for 100 ms or more").isEmpty();
      // The round trip adds both sides' scheduling and GC to the gateway's loop: a stall shows, noise passes.
      assertThat(maxRoundTripMs).as("the longest heartbeat round trip through the gateway (ms)").isLessThan(500);
      assertThat(heapAfter - heapBefore).as("heap growth after the run (bytes)").isLessThan(16L << 20);
      try (VoiceClient after = VoiceClient.connect(deployment.clientVertx(), port, newSession())) {
        assertThat(after.events("connected")).as("a new session still connects").hasSize(1);
      }
    }
  }

  /** What Vert.x's blocked-thread checker logs. */
  private static final String BLOCKED = "has been blocked for";

  /** Resume tokens: 32 random bytes, base64url without padding. */
  private static final java.util.regex.Pattern TOKEN_SHAPE =
      java.util.regex.Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");

  /** A log line that holds a key, or something shaped like a token: kept, and checked against every secret. */
  private static boolean mayHoldSecret(String line) {
    return line.contains(KEY) || line.contains(UPSTREAM_KEY) || line.contains(BLOCKED)
        || TOKEN_SHAPE.matcher(line).find();
  }

  /** The victim: a voice turn at a time, each timed from its last audio to the answer's end, until stopped. */
  private static void holdVoiceTurns(VoiceClient victim, AtomicBoolean running, List<Long> turnsMs) {
    while (running.get()) {
      int answered = victim.events("transcript.done").stream()
          .filter(e -> "assistant".equals(e.path("role").asText())).toList().size();
      victim.streamAudio(SpeechLikeAudio.turn(600), 20);
      long sent = System.nanoTime();
      Await.until("the victim's turn is answered", Duration.ofSeconds(30), () -> victim.events("transcript.done")
          .stream().filter(e -> "assistant".equals(e.path("role").asText())).count() > answered);
      turnsMs.add((System.nanoTime() - sent) / 1_000_000);
      victim.send("{\"type\":\"heartbeat.ping\"}");
      Await.sleep(1_000);
    }
  }

  /** One attacker: its own sessions, connections and forwarded address, until the run has sent its frames. */
  private void attack(int index, Random random) throws Exception {
    String address = "10.8." + index + ".1";
    ClientFrameFuzzer fuzzer = new ClientFrameFuzzer(random);
    WebSocketClient client = deployment.clientVertx().createWebSocketClient();
    List<String> oldTokens = new ArrayList<>();
    VoiceClient.Created session = newSession();
    String token = session.token();
    FuzzConnection connection = null;
    boolean flooded = false;
    try {
      while (frames.get() < target) {
        if (connection == null || connection.isClosed()) {
          if (connection != null) {
            connection.finish(flooded);
            if (connection.closeCode() == 1000 || connection.closeCode() == 1008) {
              session = newSession();
              token = session.token();
            }
          }
          flooded = false;
          connection = FuzzConnection.open(client, port, session.sessionId(), token, address, violations, answers,
              secrets);
          frames.incrementAndGet();
          if (!connection.connected()) {
            // Refused: its session was ended, or locked by this attacker's own forged hellos. A new one.
            int code = connection.closeCode();
            answers.computeIfAbsent("refused:" + code, k -> new AtomicInteger()).incrementAndGet();
            if (code != 4401 && code != 4410 && code != 4429) {
              violations.add("a resume refused with " + code);
            }
            session = newSession();
            token = session.token();
            connection = null;
            continue;
          }
          oldTokens.add(token);
          token = connection.connectedEvent().path("resumeToken").asText();
        }
        int roll = random.nextInt(1000);
        if (roll < 700) {
          ClientFrameFuzzer.Fuzzed frame = fuzzer.next();
          mutations.add(frame.name());
          connection.send(frame.name(), frame.text());
          frames.incrementAndGet();
        } else if (roll < 780) {
          sendValid(connection, random);
        } else if (roll < 830) {
          byte[] bytes = new byte[1 + random.nextInt(4096)];
          random.nextBytes(bytes);
          connection.sendBinary(bytes);
          frames.incrementAndGet();
        } else if (roll < 870) {
          for (int i = 0; i < 80; i++) {
            connection.send("flood", i % 2 == 0 ? "{\"type\":\"pause_interview\"}" : "{\"type\":\"resume_interview\"}");
          }
          frames.addAndGet(80);
          flooded = true;
        } else if (roll < 900) {
          String second = java.util.Base64.getEncoder().encodeToString(SpeechLikeAudio.speech(1_000));
          for (int i = 0; i < 20; i++) {
            connection.send("audio flood", "{\"type\":\"audio\",\"data\":\"" + second + "\"}");
          }
          frames.addAndGet(20);
        } else if (roll < 910) {
          connection.pauseReading();
          for (int i = 0; i < 20; i++) {
            connection.send("ping while not reading", "{\"type\":\"heartbeat.ping\"}");
            Await.sleep(random.nextInt(100));
          }
          connection.resumeReading();
          frames.addAndGet(20);
        } else if (roll < 915) {
          connection.send("end_interview", "{\"type\":\"end_interview\"}");
          frames.incrementAndGet();
          Await.until("the end closes the connection", Duration.ofSeconds(20), connection::isClosed);
        } else {
          rawAttack(random, session, oldTokens);
        }
        connection.awaitWritable();
      }
    } finally {
      if (connection != null) {
        connection.finish(flooded);
      }
      client.close();
    }
  }

  private void sendValid(FuzzConnection connection, Random random) {
    String[] valid = {"{\"type\":\"heartbeat.ping\"}", "{\"type\":\"ack\",\"seq\":1}",
        "{\"type\":\"audio\",\"data\":\"" + java.util.Base64.getEncoder().encodeToString(SpeechLikeAudio.speech(40)) + "\"}",
        "{\"type\":\"text\",\"text\":\"hello there\"}", "{\"type\":\"pause_interview\"}",
        "{\"type\":\"resume_interview\"}", "{\"type\":\"next_question\"}", "{\"type\":\"text_only\",\"enabled\":true}",
        "{\"type\":\"text_only\",\"enabled\":false}"};
    String frame = valid[random.nextInt(valid.length)];
    connection.send("valid", frame);
    mutations.add("valid:" + frame.substring(9, Math.min(frame.length(), 25)));
    frames.incrementAndGet();
  }

  /**
   * An attack on a socket of its own, from a forwarded address of its own: forged, replayed and other
   * sessions' tokens, a hello without a token, garbage or invalid UTF-8 as the hello, a compressed frame, an
   * oversized frame, frames after a close, silence. Each must end with its documented close code.
   */
  private void rawAttack(Random random, VoiceClient.Created own, List<String> oldTokens) throws Exception {
    int d = random.nextInt(DECOYS);
    VoiceClient.Created decoy = decoys.get(d);
    VoiceClient.Created other = decoys.get((d + 1 + random.nextInt(DECOYS - 1)) % DECOYS);
    String forwarded = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
    // Silence costs the hello timeout: it is drawn less often than the rest.
    int kind = random.nextInt(50) == 0 ? 9 : random.nextInt(9);
    String name;
    byte[] frame;
    String sessionId = decoy.sessionId();
    Set<Integer> expected;
    switch (kind) {
      case 0 -> {
        name = "raw:forged-token";
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"t_" + Long.toHexString(random.nextLong()) + "\"}");
        expected = Set.of(4401, 4429);
      }
      case 1 -> {
        name = "raw:no-token";
        frame = RawWebSocket.text("{\"type\":\"hello\"}");
        expected = Set.of(4400, 4429);
      }
      case 2 -> {
        name = "raw:other-session-token";
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"" + other.token() + "\"}");
        expected = Set.of(4401, 4429);
      }
      case 3 -> {
        name = "raw:replayed-token";
        sessionId = own.sessionId();
        // A token rotated away twice or more opens nothing (the one just before the current one may still be
        // in its grace, until the attacker's connection confirms the new one: it is not used).
        String old = oldTokens.size() < 2 ? "t_" + Long.toHexString(random.nextLong())
            : oldTokens.get(random.nextInt(oldTokens.size() - 1));
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"" + old + "\"}");
        expected = Set.of(4401, 4410, 4429);
      }
      case 4 -> {
        name = "raw:garbage-hello";
        frame = RawWebSocket.text(new ClientFrameFuzzer(random).next().text());
        expected = Set.of(4400, 4401, 4429);
      }
      case 5 -> {
        name = "raw:invalid-utf8-hello";
        frame = RawWebSocket.frame(0, 0x1, new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, (byte) 0xff, '"', '}'});
        expected = Set.of(4400);
      }
      case 6 -> {
        name = "raw:compressed";
        frame = RawWebSocket.frame(0b100, 0x1, RawWebSocket.deflateBomb(1L << 20));
        expected = Set.of(1002);
      }
      case 7 -> {
        name = "raw:oversized";
        frame = RawWebSocket.frame(0, random.nextBoolean() ? 0x1 : 0x2, new byte[257 * 1024]);
        expected = Set.of(1009);
      }
      case 8 -> {
        name = "raw:after-close";
        byte[] close = RawWebSocket.frame(0, 0x8, new byte[] {0x03, (byte) 0xe8});
        byte[] after = RawWebSocket.text("{\"type\":\"heartbeat.ping\"}");
        frame = new byte[close.length + 3 * after.length];
        System.arraycopy(close, 0, frame, 0, close.length);
        for (int i = 0; i < 3; i++) {
          System.arraycopy(after, 0, frame, close.length + i * after.length, after.length);
        }
        expected = Set.of(1000, 1005, 1006);
      }
      default -> {
        name = "raw:silent";
        frame = new byte[0];
        expected = Set.of(4408);
      }
    }
    mutations.add(name);
    frames.incrementAndGet();
    int code;
    try (Socket raw = new Socket("127.0.0.1", port)) {
      String answer = RawWebSocket.upgrade(raw, port, sessionId, "X-Forwarded-For: " + forwarded + "\r\n");
      if (!answer.startsWith("HTTP/1.1 101")) {
        violations.add(name + ": the upgrade was answered " + answer.lines().findFirst().orElse(""));
        return;
      }
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(frame);
          out.flush();
        } catch (java.io.IOException closedUnderIt) {
          // The gateway refused the frame at its header and closed while the rest was on its way.
        }
      });
      writer.start();
      code = RawWebSocket.readCloseCode(in);
      writer.join(5_000);
    }
    answers.computeIfAbsent(name + ":" + code, k -> new AtomicInteger()).incrementAndGet();
    if (!expected.contains(code)) {
      // A reset after a refused frame's unread rest: the close frame may be lost; 1006 then is what TCP allows.
      boolean reset = code == 1006 && (kind == 6 || kind == 7);
      if (!reset) {
        violations.add(name + ": closed with " + code + ", documented " + expected);
      }
    }
  }
}
