package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.voxrelay.testing.Await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One hostile client's connection to its own session: sends what the fuzzer picks and checks every answer
 * against {@code docs/protocol.md}: documented event types and error codes, at most one bad-frame error a
 * second, and a close only for a documented reason. What does not fit is recorded as a violation.
 */
final class FuzzConnection {

  /** Server event types a client may receive (docs/protocol.md, "Server → client events"). */
  static final Set<String> EVENT_TYPES = Set.of("connected", "audio", "transcript.delta", "transcript.done",
      "speech.started", "response.done", "interview.paused", "interview.resumed", "question.changed",
      "text_only.changed", "interview.ended", "upstream.reconnecting", "replay.truncated", "upstream.restored",
      "heartbeat.pong", "audio.dropped", "session.terminated", "error");
  /** The voxrelay error codes (docs/protocol.md). */
  static final Set<String> ERROR_CODES = Set.of("invalid_json", "invalid_message", "unknown_type", "invalid_audio",
      "binary_not_supported", "not_connected", "already_connected", "invalid_state", "session_ended", "unavailable",
      "upstream_unavailable", "rate_limited", "replaced");
  /** Errors about a bad frame: answered at most once a second per connection. */
  static final Set<String> FRAME_ERRORS = Set.of("invalid_json", "invalid_message", "unknown_type", "invalid_audio",
      "binary_not_supported", "already_connected", "rate_limited");

  private final WebSocket socket;
  private final long openedAt = System.nanoTime();
  private final AtomicReference<JsonNode> connected = new AtomicReference<>();
  private final AtomicInteger closeCode = new AtomicInteger();
  private final AtomicInteger frameErrors = new AtomicInteger();
  private volatile boolean ended;
  private volatile boolean endSent;
  private final FuzzTally tally;
  private volatile String lastSent = "";

  private FuzzConnection(WebSocket socket, FuzzTally tally) {
    this.socket = socket;
    this.tally = tally;
  }

  /**
   * Opens the session's socket as forwarded for {@code forwardedFor}, says hello, and waits for
   * {@code connected} or the close that refuses it.
   */
  static FuzzConnection open(WebSocketClient client, int port, String sessionId, String token, String forwardedFor,
                             FuzzTally tally) {
    FuzzConnection[] holder = new FuzzConnection[1];
    Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/v1/sessions/" + sessionId + "/ws").addHeader("X-Forwarded-For", forwardedFor)).onSuccess(ws -> {
          FuzzConnection c = new FuzzConnection(ws, tally);
          holder[0] = c;
          ws.textMessageHandler(c::onText);
          ws.binaryMessageHandler(b -> c.violation("a binary frame from the server"));
          ws.closeHandler(v -> c.closeCode.set(ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode()));
          ws.exceptionHandler(e -> { });
          ws.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + token + "\"}");
        }), Duration.ofSeconds(20));
    FuzzConnection c = holder[0];
    Await.until("connected or refused", Duration.ofSeconds(20), () -> c.connected.get() != null || c.closeCode.get() != 0);
    return c;
  }

  private void onText(String text) {
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (RuntimeException e) {
      violation("an event that is not JSON");
      return;
    }
    String type = event.path("type").asText();
    if (!EVENT_TYPES.contains(type)) {
      violation("an undocumented event type " + type);
    }
    count("event:" + type);
    switch (type) {
      case "connected" -> {
        tally.secret(event.path("resumeToken").asText());
        connected.set(event);
      }
      case "interview.ended" -> ended = true;
      case "error" -> onError(event);
      default -> { }
    }
  }

  private void onError(JsonNode event) {
    String code = event.path("code").asText();
    String source = event.path("source").asText();
    count("error:" + source + ":" + code);
    if ("voxrelay".equals(source) && !ERROR_CODES.contains(code)) {
      violation("an undocumented error code " + code);
    }
    if ("voxrelay".equals(source) && FRAME_ERRORS.contains(code)) {
      frameErrors.incrementAndGet();
    }
  }

  private void count(String answer) {
    tally.answer(answer);
  }

  private void violation(String what) {
    tally.violation(what + " (after " + lastSent + ")");
  }

  boolean connected() {
    return connected.get() != null && closeCode.get() == 0;
  }

  JsonNode connectedEvent() {
    return connected.get();
  }

  /** The close code, 0 while open. */
  int closeCode() {
    return closeCode.get();
  }

  void send(String name, String text) {
    lastSent = name;
    // A mutation may still be a valid end_interview; a close may overtake events a paused reader has not read.
    endSent |= text.contains("\"end_interview\"");
    try {
      socket.writeTextMessage(text);
    } catch (IllegalStateException closedMeanwhile) {
      // The server closed the socket since the last frame: the caller sees it closed and reconnects.
    }
  }

  void sendBinary(byte[] bytes) {
    lastSent = "binary";
    try {
      socket.writeBinaryMessage(Buffer.buffer(bytes));
    } catch (IllegalStateException closedMeanwhile) {
      // As in send.
    }
  }

  /** Waits while the socket's own write queue is full, so the fuzzer's side stays bounded too. */
  void awaitWritable() {
    try {
      for (int i = 0; i < 2_000 && !socket.isClosed() && socket.writeQueueFull(); i++) {
        Await.sleep(5);
      }
    } catch (IllegalStateException closedMeanwhile) {
      // The server closed the socket between the two checks (it closes on its own event loop, this runs on the
      // attacker's thread): as in send, the caller sees it closed and reconnects.
    }
  }

  void pauseReading() {
    socket.pause();
  }

  void resumeReading() {
    socket.resume();
  }

  /**
   * Ends the connection from the client's side and checks how it ended: a close the server chose must be one
   * the protocol documents for what was sent ({@code flooded}: controls over the rate were sent).
   */
  void finish(boolean flooded) {
    // Counted over the connection's life: receipt times alone would bunch (a paused reader gets its errors at
    // once when it reads again), while the server's one-a-second rule bounds the total.
    double seconds = (System.nanoTime() - openedAt) / 1e9;
    if (frameErrors.get() > seconds + 2) {
      violation(frameErrors.get() + " bad-frame errors in " + String.format("%.1f", seconds) + " s");
    }
    if (!isClosed()) {
      socket.close();
      Await.until("closed", Duration.ofSeconds(10), socket::isClosed);
      return;
    }
    Await.until("the close is seen", Duration.ofSeconds(10), () -> closeCode.get() != 0);
    int code = closeCode.get();
    count("close:" + code);
    boolean documented = switch (code) {
      case 1000 -> ended || endSent;
      case 1008 -> flooded;
      case 1013 -> true;
      default -> false;
    };
    if (!documented) {
      violation("a close with " + code + (code == 1000 ? " without interview.ended" : ""));
    }
  }

  boolean isClosed() {
    return socket.isClosed() || closeCode.get() != 0;
  }
}
