package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames, bodies and paths an attacker would send, against real services: each refused, no one else harmed. */
@DisplayName("Hostile input: compressed-frame bombs, uploads, oversized bodies, log injection")
class HostileInputTest {

  private static final String KEY = "test-api-key-0123456789";
  private static Deployment deployment;
  private static int port;

  @BeforeAll
  static void start() {
    // The default audio burst (2 s), unlike the other tests' deployments: the rate itself is under test here.
    deployment = Deployment.start(Map.of("VOXRELAY_API_KEY", KEY, "VOXRELAY_AUDIO_BURST_MS", "2000"), 1, 1, 0, 1);
    port = deployment.gatewayPort(0);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  @DisplayName("a client offering permessage-deflate is declined, and a 200 MB deflate bomb before hello is "
      + "closed at once with 1002 while another session's heartbeat round trip stays under 100 ms")
  void compressedFrameBomb() throws Exception {
    byte[] bomb = RawWebSocket.deflateBomb(200L << 20);
    assertThat(bomb.length).as("the bomb fits the 256 KiB frame limit").isLessThan(256 * 1024);
    VoiceClient.Created probeSession = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    VoiceClient.Created target = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    try (PongProbe probe = new PongProbe(deployment.clientVertx(), port, probeSession);
         Socket raw = new Socket("127.0.0.1", port)) {
      String response = RawWebSocket.upgrade(raw, port, target.sessionId(), "");
      assertThat(response).startsWith("HTTP/1.1 101");
      assertThat(response.toLowerCase()).as("the extension is declined").doesNotContain("sec-websocket-extensions");

      Await.sleep(300);
      probe.reset();
      double closedMs = sendAndAwaitClose(raw, RawWebSocket.frame(0b100, 0x1, bomb), target.sessionId(), 1002);
      System.out.printf("[HostileInputTest] bomb frame: connection closed %.1f ms after the first byte%n", closedMs);
      assertThat(closedMs).as("closed at once, ms").isLessThan(100);
      Await.sleep(500);
      assertThat(probe.pongs()).as("the probe kept talking").isPositive();
      System.out.printf("[HostileInputTest] probe: %d pongs, longest round trip %.1f ms%n", probe.pongs(),
          probe.maxRoundTripMs());
      assertThat(probe.maxRoundTripMs()).as("the other session's heartbeat round trip").isLessThan(100);
    }
  }

  /**
   * Sends {@code frame} on an upgraded raw socket and waits for the gateway to close the connection. The
   * gateway refuses a bad frame at its header while the rest is still on its way, so the frame is written
   * from a thread of its own, and the close is seen however the write ends: a close frame with
   * {@code expectedCode}, or, when the unread rest turned the close into a reset, the gateway's log line.
   *
   * @return ms from the first byte sent to the connection's end
   */
  private static double sendAndAwaitClose(Socket raw, byte[] frame, String sessionId, int expectedCode)
      throws Exception {
    try (LogCapture logs = new LogCapture()) {
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      long sent = System.nanoTime();
      Thread writer = new Thread(() -> {
        try {
          out.write(frame);
          out.flush();
        } catch (IOException closedUnderIt) {
          // Expected once the gateway has closed the connection.
        }
      });
      writer.start();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        for (int b = in.read(); b >= 0; b = in.read()) {
          received.write(b);
        }
      } catch (IOException reset) {
        // The unread rest of the frame makes the gateway's close a reset.
      }
      double closedMs = (System.nanoTime() - sent) / 1e6;
      writer.join(5_000);
      byte[] bytes = received.toByteArray();
      if (bytes.length >= 4) {
        assertThat(bytes[0] & 0xff).as("a close frame").isEqualTo(0x88);
        assertThat((bytes[2] & 0xff) << 8 | (bytes[3] & 0xff)).as("the close code").isEqualTo(expectedCode);
      }
      Await.until("the close is logged", Duration.ofSeconds(5), () -> logs.lines().stream()
          .anyMatch(l -> l.contains("closing a connection to " + sessionId + " with " + expectedCode)));
      assertThat(logs.lines()).as("logged once")
          .filteredOn(l -> l.contains("closing a connection to " + sessionId)).hasSize(1);
      return closedMs;
    }
  }

  @Test
  @DisplayName("a text frame that is not UTF-8, sent as the hello, is an invalid hello: 4400")
  void invalidUtf8() throws Exception {
    VoiceClient.Created target = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    try (Socket raw = new Socket("127.0.0.1", port)) {
      assertThat(RawWebSocket.upgrade(raw, port, target.sessionId(), "")).startsWith("HTTP/1.1 101");
      byte[] text = {'{', '"', 't', (byte) 0xc3, (byte) 0x28, '"', '}'};
      raw.getOutputStream().write(RawWebSocket.frame(0, 0x1, text));
      assertThat(RawWebSocket.readCloseCode(raw.getInputStream())).isEqualTo(4400);
    }
  }

  @Test
  @DisplayName("a frame over 256 KiB closes its connection at once with 1009, before it is read")
  void oversizedFrame() throws Exception {
    VoiceClient.Created target = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    try (Socket raw = new Socket("127.0.0.1", port)) {
      assertThat(RawWebSocket.upgrade(raw, port, target.sessionId(), "")).startsWith("HTTP/1.1 101");
      byte[] text = new byte[300 * 1024];
      java.util.Arrays.fill(text, (byte) 'a');
      double closedMs = sendAndAwaitClose(raw, RawWebSocket.frame(0, 0x1, text), target.sessionId(), 1009);
      assertThat(closedMs).as("closed at once, ms").isLessThan(100);
    }
  }

  @Test
  @DisplayName("audio sent at 5x real time: at most 1.25x (and a burst) reaches the upstream, the rest is dropped, "
      + "counted and reported to the client")
  void audioFasterThanRealTime() {
    int upstreamsBefore = deployment.simulator.sessions().size();
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), port, session)) {
      io.voxrelay.simulator.SimulatedSession upstream = InterviewSessionTest.upstreamOf(deployment, upstreamsBefore);
      long before = upstream.audioBytesReceived();
      // Silence, so turn detection stays out of it: 4 s of sending, 20 s of audio.
      String chunk = Base64.getEncoder().encodeToString(new byte[io.voxrelay.common.audio.Pcm16.bytesOf(40)]);
      long start = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        client.send("{\"type\":\"audio\",\"data\":\"" + chunk + "\"}");
        if (i % 5 == 4) {
          Await.sleep(40);
        }
      }
      double elapsedMs = (System.nanoTime() - start) / 1e6;
      var dropped = client.awaitEvent("audio.dropped", Duration.ofSeconds(5));
      assertThat(dropped.path("reason").asText()).isEqualTo("rate");
      assertThat(dropped.has("seq")).as("a live event, never numbered").isFalse();
      Await.sleep(500);
      long forwardedMs = io.voxrelay.common.audio.Pcm16.millisOf(upstream.audioBytesReceived() - before);
      long allowedMs = (long) (1.25 * (elapsedMs + 500) + 1.25 * 2_000);
      System.out.printf("[HostileInputTest] 20 s of audio in %.0f ms: %d ms forwarded (allowed %d)%n", elapsedMs,
          forwardedMs, allowedMs);
      assertThat(forwardedMs).as("ms of audio upstream").isLessThanOrEqualTo(allowedMs).isLessThan(20_000);
    }
  }

  private static String multipart(String boundary) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(10_000) + "\r\n--" + boundary + "--\r\n";
  }

  @Test
  @DisplayName("multipart and oversized bodies to every route get the documented JSON error, write no file, "
      + "and leave the heap where it was; the documented maxima are accepted")
  void bodies() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    Path uploads = Path.of("file-uploads");
    boolean uploadsBefore = Files.exists(uploads);
    long heapBefore = RawWebSocket.usedHeapAfterGc();
    String boundary = "voxrelay-boundary";
    String multipartType = "multipart/form-data; boundary=" + boundary;
    String huge = "{\"instructions\":\"" + "x".repeat(4 << 20) + "\"}";
    List<String> posts = List.of("/v1/sessions", "/v1/sessions/" + session.sessionId() + "/diagnostics");
    for (String path : posts) {
      for (String key : new String[] {null, KEY}) {
        VoiceClient.HttpReply upload = VoiceClient.post(deployment.clientVertx(), port, path, multipart(boundary), key,
            multipartType);
        assertThat(upload.status()).as("multipart to %s, key %s", path, key != null).isIn(401, 415);
        assertThat(upload.body().path("error").asText()).isNotBlank();
        VoiceClient.HttpReply tooBig = VoiceClient.post(deployment.clientVertx(), port, path, huge, key,
            "application/json");
        assertThat(tooBig.status()).as("4 MiB to %s, key %s", path, key != null)
            .isIn(key == null && path.equals("/v1/sessions") ? 401 : 413);
        assertThat(tooBig.body().path("error").asText()).isNotBlank();
      }
    }
    for (String path : List.of("/v1/sessions/" + session.sessionId() + "/transcript", "/health", "/",
        "/v1/sessions/" + session.sessionId() + "/ws")) {
      VoiceClient.HttpReply reply = VoiceClient.post(deployment.clientVertx(), port, path, multipart(boundary), KEY,
          multipartType);
      assertThat(reply.status()).as("POST %s", path).isIn(404, 405);
      assertThat(reply.body()).as("a JSON error for POST %s", path).isNotNull();
      assertThat(reply.body().path("error").asText()).isNotBlank();
    }
    VoiceClient.HttpReply plainGet = VoiceClient.get(deployment.clientVertx(), port,
        "/v1/sessions/" + session.sessionId() + "/ws", null);
    assertThat(plainGet.status()).as("the WebSocket path without an upgrade").isEqualTo(400);
    assertThat(plainGet.body().path("error").asText()).isEqualTo("websocket_required");
    String maxima = "{\"instructions\":\"" + "\\u00e9".repeat(20_000) + "\",\"questions\":["
        + String.join(",", java.util.Collections.nCopies(100, "\"" + "\\u00e9".repeat(2_000) + "\"")) + "]}";
    assertThat(VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions", maxima, KEY, "application/json")
        .status()).as("the documented maxima, every character escaped").isEqualTo(201);

    assertThat(Files.exists(uploads)).as("no uploads directory appeared").isEqualTo(uploadsBefore);
    long grown = RawWebSocket.usedHeapAfterGc() - heapBefore;
    assertThat(grown).as("heap growth after the bodies, bytes").isLessThan(32L << 20);
  }

  @Test
  @DisplayName("a path's session id that is not of the session id form is refused before it is logged; "
      + "report fields with CR, LF and ANSI escapes are logged escaped")
  void logInjection() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port, KEY);
    try (LogCapture logs = new LogCapture()) {
      for (String path : List.of("/v1/sessions/s_x%0AFORGED%20line/transcript",
          "/v1/sessions/s_x%0D%0AFORGED/diagnostics", "/v1/sessions/%1B%5B31mFORGED/ws")) {
        VoiceClient.HttpReply reply = path.endsWith("/diagnostics")
            ? VoiceClient.post(deployment.clientVertx(), port, path, "{}", KEY, "application/json")
            : VoiceClient.get(deployment.clientVertx(), port, path, KEY);
        assertThat(reply.status()).as(path).isEqualTo(404);
        assertThat(reply.body().path("error").asText()).isEqualTo("not_found");
      }
      String report = "{\"code\":1006,\"reason\":\"net\\r\\nFAKE [Gateway] line \\u001b[31mred\",\"state\":\"x\"}";
      assertThat(VoiceClient.post(deployment.clientVertx(), port, "/v1/sessions/" + session.sessionId()
          + "/diagnostics", report, null, "application/json").status()).isEqualTo(204);
      Await.until("the report is logged", Duration.ofSeconds(5),
          () -> logs.lines().stream().anyMatch(l -> l.contains("[Diagnostics]")));
      assertThat(logs.lines()).noneMatch(l -> l.contains("FORGED"));
      assertThat(logs.lines()).filteredOn(l -> l.contains("[Diagnostics]")).allSatisfy(l -> {
        assertThat(l).doesNotContain("\r", "\n", "\u001b");
        assertThat(l).contains("\\u000d\\u000a", "\\u001b");
      });
    }
  }
}
