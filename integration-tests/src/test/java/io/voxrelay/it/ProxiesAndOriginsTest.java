package io.voxrelay.it;

import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway behind a reverse proxy (this test's own connections play the proxy, trusted as 127.0.0.1), the
 * Origin allow-list and the Host rule of the key-less default, against real services.
 */
@DisplayName("Trusted proxies, browser origins and admission by key")
class ProxiesAndOriginsTest {

  private static Deployment deployment;
  private static int port;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of("VOXRELAY_TRUSTED_PROXIES", "127.0.0.1, ::1",
        "VOXRELAY_HEARTBEAT_TIMEOUT_MS", "1000", "VOXRELAY_HTTP_IDLE_TIMEOUT_MS", "1500",
        "VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS", "5"), 1, 1, 0, 1);
    port = deployment.gatewayPort(0);
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  private static String unknownSessionId() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "s_" + HexFormat.of().formatHex(bytes);
  }

  /** Opens a session's WebSocket with extra headers, sends {@code hello}, and returns the close code (0: open). */
  private static int helloThrough(Map<String, String> headers, String sessionId, String token) {
    Vertx vertx = deployment.clientVertx();
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/v1/sessions/" + sessionId + "/ws");
      headers.forEach(options::addHeader);
      WebSocket socket = Await.result(client.connect(options));
      AtomicInteger code = new AtomicInteger(-1);
      AtomicInteger connected = new AtomicInteger();
      socket.closeHandler(v -> code.set(socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode()));
      socket.textMessageHandler(text -> {
        if (text.contains("\"type\":\"connected\"")) {
          connected.set(1);
        }
      });
      socket.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + token + "\"}");
      Await.until("an answer to hello", Duration.ofSeconds(10), () -> code.get() >= 0 || connected.get() == 1);
      socket.close();
      return connected.get() == 1 ? 0 : code.get();
    } finally {
      client.close();
    }
  }

  private static int upgradeStatus(Map<String, String> headers, String sessionId) {
    HttpClient http = deployment.clientVertx().createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
          .setURI("/v1/sessions/" + sessionId + "/ws").putHeader("Upgrade", "websocket")
          .putHeader("Connection", "Upgrade").putHeader("Sec-WebSocket-Version", "13")
          .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
      headers.forEach(options::putHeader);
      return Await.result(http.request(options).compose(req -> req.send()).map(r -> r.statusCode()));
    } finally {
      http.close();
    }
  }

  private static int createStatus(Map<String, String> headers) {
    HttpClient http = deployment.clientVertx().createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI("/v1/sessions").putHeader("Content-Type", "application/json");
      headers.forEach(options::putHeader);
      return Await.result(http.request(options).compose(req -> req.send(Buffer.buffer("{}"))).map(r -> r.statusCode()));
    } finally {
      http.close();
    }
  }

  @Test
  @DisplayName("behind a trusted proxy, 10 failed hellos from one forwarded address lock out that address only")
  void failuresCountPerForwardedAddress() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
    Map<String, String> attacker = Map.of("X-Forwarded-For", "203.0.113.1");
    for (int i = 0; i < 10; i++) {
      assertThat(helloThrough(attacker, unknownSessionId(), "forged")).isEqualTo(CloseCode.UNAUTHORIZED.code());
    }
    assertThat(helloThrough(attacker, unknownSessionId(), "forged")).as("the attacker's address is locked out")
        .isEqualTo(CloseCode.TOO_MANY_ATTEMPTS.code());
    assertThat(helloThrough(Map.of("X-Forwarded-For", "203.0.113.2"), session.sessionId(), session.token()))
        .as("another user behind the same proxy connects").isZero();
    assertThat(helloThrough(Map.of("X-Forwarded-For", "203.0.113.2, 203.0.113.1"), unknownSessionId(), "forged"))
        .as("the proxy's own hop decides, not what the client prepends").isEqualTo(CloseCode.TOO_MANY_ATTEMPTS.code());
  }

  @Test
  @DisplayName("one address holds at most VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS open WebSockets; another address and a closed socket's place are free")
  void capsOpenConnectionsPerAddress() throws Exception {
    String sessionId = unknownSessionId();
    Map<String, String> crowd = Map.of("X-Forwarded-For", "203.0.113.50");
    WebSocketClient client = deployment.clientVertx().createWebSocketClient();
    try {
      List<WebSocket> held = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/v1/sessions/" + sessionId + "/ws");
        crowd.forEach(options::addHeader);
        held.add(Await.result(client.connect(options)));
      }
      assertThat(upgradeStatus(crowd, sessionId)).as("a sixth from the same address").isEqualTo(429);
      assertThat(upgradeStatus(Map.of("X-Forwarded-For", "203.0.113.51"), sessionId)).as("another address")
          .isEqualTo(101);
      Await.result(held.get(0).close());
      Await.until("the closed socket's place is free", Duration.ofSeconds(10),
          () -> upgradeStatus(crowd, sessionId) == 101);
    } finally {
      client.close();
    }
    // A socket that just drops (no close frame, as a phone leaving its network) frees its place too.
    Map<String, String> dropper = Map.of("X-Forwarded-For", "203.0.113.52");
    List<java.net.Socket> raw = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        raw.add(socket);
        assertThat(RawWebSocket.upgrade(socket, port, sessionId, "X-Forwarded-For: 203.0.113.52\r\n"))
            .startsWith("HTTP/1.1 101");
      }
      assertThat(upgradeStatus(dropper, sessionId)).isEqualTo(429);
      raw.get(0).setSoLinger(true, 0);
      raw.get(0).close();
      Await.until("the dropped socket's place is free", Duration.ofSeconds(10),
          () -> upgradeStatus(dropper, sessionId) == 101);
    } finally {
      for (java.net.Socket socket : raw) {
        socket.close();
      }
    }
  }

  @Test
  @DisplayName("100 failed hellos for a session from other addresses do not lock its owner out")
  void strangersCannotLockOutTheOwner() {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
    for (int i = 0; i < 100; i++) {
      String stranger = "198.51.100." + (i + 1);
      int expected = i < 10 ? CloseCode.UNAUTHORIZED.code() : CloseCode.TOO_MANY_ATTEMPTS.code();
      assertThat(helloThrough(Map.of("X-Forwarded-For", stranger), session.sessionId(), "forged-" + i))
          .as("a stranger's hello from " + stranger).isEqualTo(expected);
    }
    assertThat(helloThrough(Map.of("X-Forwarded-For", "192.0.2.77"), session.sessionId(), session.token()))
        .as("the owner connects at once").isZero();
  }

  @Test
  @DisplayName("the WebSocket takes pages of allowed origins (localhost by default, the gateway's own) and refuses others")
  void origins() {
    String session = unknownSessionId();
    assertThat(upgradeStatus(Map.of("Origin", "https://evil.example"), session)).isEqualTo(403);
    assertThat(upgradeStatus(Map.of("Origin", "http://localhost:5173"), session)).isEqualTo(101);
    assertThat(upgradeStatus(Map.of("Origin", "http://127.0.0.1:" + port), session)).as("its own origin").isEqualTo(101);
    assertThat(upgradeStatus(Map.of(), session)).as("no page at all").isEqualTo(101);
  }

  @Test
  @DisplayName("a request that trickles in (slow loris) is cut after the idle timeout; a heartbeating socket is not")
  void idleTimeout() throws Exception {
    VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), port);
    try (PongProbe heartbeating = new PongProbe(deployment.clientVertx(), port, session);
         java.net.Socket slow = new java.net.Socket("127.0.0.1", port)) {
      slow.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes());
      slow.setSoTimeout(10_000);
      long start = System.nanoTime();
      int read;
      try {
        read = slow.getInputStream().read();
      } catch (java.io.IOException reset) {
        read = -1;
      }
      double cutAfterMs = (System.nanoTime() - start) / 1e6;
      assertThat(read).as("the half-sent request got no answer, its connection was closed").isEqualTo(-1);
      assertThat(cutAfterMs).isBetween(1_000.0, 9_000.0);
      long pongs = heartbeating.pongs();
      Await.sleep(500);
      assertThat(heartbeating.pongs()).as("the heartbeating socket lives on past the idle timeout")
          .isGreaterThan(pongs);
    }
  }

  @Test
  @DisplayName("admin by key, never by address: a loopback caller without the key gets 401, also forwarded as 127.0.0.1 and addressing localhost")
  void keyNotAddress() {
    assertThat(createStatus(Map.of())).isEqualTo(401);
    assertThat(createStatus(Map.of("Host", "localhost:" + port))).isEqualTo(401);
    assertThat(createStatus(Map.of("X-Forwarded-For", "127.0.0.1", "Host", "localhost"))).as("a same-host proxy's request")
        .isEqualTo(401);
    assertThat(createStatus(Map.of("Authorization", "Bearer " + Deployment.API_KEY))).isEqualTo(201);
  }
}
