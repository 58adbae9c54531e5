package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.EventKind;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A test client that does what the web client does for lossless reconnection: it numbers its messages,
 * keeps them until the server says it processed them, acknowledges the events it processed, and on every
 * reconnect sends its last processed {@code seq} and resends what the server has not processed. It records
 * every sequenced event it processes, so a test can check they arrived exactly once and in order.
 * All state is touched on the client Vert.x event loop.
 */
final class ReliableClient implements AutoCloseable {

  private final Vertx vertx;
  private final WebSocketClient client;
  private final IntSupplier port;
  private final String sessionId;
  private final List<JsonNode> processed = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonNode> truncations = Collections.synchronizedList(new ArrayList<>());
  private volatile JsonNode lastConnected;
  /** From {@code connected}, until {@code interview.resumed} arrives. */
  private volatile boolean awaitingResume;
  private final Map<Long, String> unprocessed = new LinkedHashMap<>();
  /** The latest typed turns sent, to send again if the server withdraws one ({@code turn_withdrawn}). */
  private final Map<Long, String> texts = new LinkedHashMap<>();
  private volatile String token;
  private volatile long lastSeq;
  private volatile long nextClientSeq = 1;
  private volatile WebSocket socket;
  private volatile boolean connected;
  private volatile int connections;
  private volatile int lastCloseCode;
  private volatile long lastPongAt = System.nanoTime();

  ReliableClient(Vertx vertx, IntSupplier port, VoiceClient.Created session) {
    this(vertx, port, session, new WebSocketClientOptions());
  }

  /** @param options e.g. a small receive buffer, so a paused reader holds back little in the kernel */
  ReliableClient(Vertx vertx, IntSupplier port, VoiceClient.Created session, WebSocketClientOptions options) {
    this.vertx = vertx;
    // The port a deployment test gives speaks TLS (TlsPorts); it stays the same for the client's life.
    this.client = vertx.createWebSocketClient(TlsPorts.forPort(port.getAsInt(), options));
    this.port = port;
    this.sessionId = session.sessionId();
    this.token = session.token();
  }

  /** Connects (again) and waits for {@code connected}. */
  void connect() {
    connect(Duration.ofSeconds(20));
  }

  /** Connects (again) and waits up to {@code timeout} for {@code connected}; throws an AssertionError if not. */
  void connect(Duration timeout) {
    connected = false;
    int attempt = connections;
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(port.getAsInt()).setURI("/v1/sessions/" + sessionId + "/ws")).onSuccess(s -> {
          s.textMessageHandler(text -> onEvent(s, Json.parse(text)));
          s.closeHandler(v -> {
            if (s == socket) {
              connected = false;
              lastCloseCode = s.closeStatusCode() == null ? 1006 : s.closeStatusCode();
            }
          });
          socket = s;
          s.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + token + "\",\"lastSeq\":" + lastSeq + "}");
        }));
    Await.until("connected (connection " + (attempt + 1) + ")", timeout,
        () -> connected || (ws.isClosed() && socket == ws && lastCloseCode != 0));
    if (!connected) {
      throw new AssertionError("the server closed the connection with " + lastCloseCode);
    }
  }

  private void onEvent(WebSocket from, JsonNode event) {
    if (from != socket) {
      return;
    }
    String type = event.path("type").asText();
    if ("heartbeat.pong".equals(type)) {
      lastPongAt = System.nanoTime();
      return;
    }
    if ("replay.truncated".equals(type)) {
      // Events were lost past the replay bound: redraw from connected.history and go on from here.
      // Kept with where the client was, so a report can name what was lost and when.
      truncations.add(((ObjectNode) event.deepCopy()).put("clientLastSeq", lastSeq)
          .put("connection", connections).put("at", java.time.Instant.now().toString()));
      lastSeq = event.path("resumeFromSeq").asLong() - 1;
      return;
    }
    if ("connected".equals(type)) {
      lastConnected = event;
      awaitingResume = event.path("awaitingResume").asBoolean();
      token = event.path("resumeToken").asText();
      long serverProcessed = event.path("lastClientSeq").asLong();
      unprocessed.keySet().removeIf(seq -> seq <= serverProcessed);
      unprocessed.values().forEach(from::writeTextMessage);
      connections++;
      lastPongAt = System.nanoTime();
      connected = true;
      return;
    }
    if ("interview.resumed".equals(type)) {
      awaitingResume = false;
    }
    long seq = event.path("seq").asLong(0);
    if (seq == 0) {
      if (EventKind.ofType(type) == EventKind.TRANSIENT) {
        // A late transient event (numbered before a durable one another emitter sent): it goes out unnumbered.
        processed.add(event);
      }
      return;
    }
    if (!follows(lastSeq, seq)) {
      violations.add(seq);
    }
    lastSeq = Math.max(lastSeq, seq);
    processed.add(event);
    if ("error".equals(type) && "turn_withdrawn".equals(event.path("code").asText())) {
      // As the web client does: the withdrawn typed turn goes again under its seq, kept until processed.
      String json = texts.get(event.path("clientSeq").asLong());
      if (json != null) {
        unprocessed.put(event.path("clientSeq").asLong(), json);
        from.writeTextMessage(json);
      }
    }
    if (seq % 8 == 0) {
      from.writeTextMessage("{\"type\":\"ack\",\"seq\":" + seq + "}");
    }
  }

  /** Sends a numbered message now if connected; it is resent after reconnects until processed. */
  void send(String type, String extraFields) {
    vertx.runOnContext(v -> {
      long seq = nextClientSeq++;
      String json = "{\"type\":\"" + type + "\",\"seq\":" + seq + extraFields + "}";
      unprocessed.put(seq, json);
      if ("text".equals(type)) {
        texts.put(seq, json);
        if (texts.size() > 32) {
          texts.remove(texts.keySet().iterator().next());
        }
      }
      if (connected && socket != null && !socket.isClosed()) {
        socket.writeTextMessage(json);
      }
    });
  }

  /** Sends {@code heartbeat.ping} (with an ack of the last seq) if connected. */
  void ping() {
    WebSocket s = socket;
    if (connected && s != null && !s.isClosed()) {
      s.writeTextMessage("{\"type\":\"heartbeat.ping\",\"ack\":" + lastSeq + "}");
    }
  }

  /** When the last {@code heartbeat.pong} arrived ({@link System#nanoTime}). */
  long lastPongAt() {
    return lastPongAt;
  }

  void sendAudio(String base64) {
    WebSocket s = socket;
    if (connected && s != null && !s.isClosed()) {
      s.writeTextMessage("{\"type\":\"audio\",\"data\":\"" + base64 + "\"}");
    }
  }

  /** Stops reading from the socket, as a stalled tab or a congested network would; the server's writes back up. */
  void pauseReading() {
    socket.pause();
  }

  /** Reads again. */
  void resumeReading() {
    socket.resume();
  }

  /** Drops the connection from the client's side, as a network failure would. */
  void drop() {
    WebSocket s = socket;
    connected = false;
    if (s != null) {
      s.close((short) 4999, "test drop");
    }
  }

  boolean isConnected() {
    return connected;
  }

  /** Whether the session awaits {@code resume_interview} (its upstream was let go), as last heard. */
  boolean awaitingResume() {
    return awaitingResume;
  }

  String sessionId() {
    return sessionId;
  }

  int lastCloseCode() {
    return lastCloseCode;
  }

  int connections() {
    return connections;
  }

  long lastSeq() {
    return lastSeq;
  }

  List<JsonNode> processed() {
    synchronized (processed) {
      return List.copyOf(processed);
    }
  }

  List<JsonNode> processed(String type) {
    return processed().stream().filter(e -> type.equals(e.path("type").asText())).toList();
  }

  List<JsonNode> truncations() {
    synchronized (truncations) {
      return List.copyOf(truncations);
    }
  }

  JsonNode lastConnected() {
    return lastConnected;
  }

  /**
   * Whether {@code seq} may follow {@code last}: later, the next durable event if durable, and with no
   * durable event missing before it if transient (transient ones may skip, e.g. at a new relay hold).
   */
  static boolean follows(long last, long seq) {
    if (seq <= last) {
      return false;
    }
    long durables = EventSeq.durableCount(last);
    return EventSeq.isDurable(seq) ? EventSeq.durableCount(seq) == durables + 1
        : EventSeq.durableCount(seq) == durables;
  }

  /** The durable seqs processed: 1, 2, 3, … durable events, each once, if nothing was lost or doubled. */
  List<Long> durableCounts() {
    return processed().stream().map(e -> e.path("seq").asLong()).filter(seq -> seq > 0 && EventSeq.isDurable(seq))
        .map(EventSeq::durableCount).toList();
  }

  /**
   * Assistant turns whose streamed deltas, joined, differ from their finished text: a transient event lost
   * or doubled. Turns cut off ({@code interrupted}) are skipped.
   */
  List<String> deltaMismatches() {
    Map<String, StringBuilder> streamed = new HashMap<>();
    List<String> mismatches = new ArrayList<>();
    for (JsonNode event : processed()) {
      String itemId = event.path("itemId").asText();
      switch (event.path("type").asText()) {
        case "transcript.delta" -> streamed.computeIfAbsent(itemId, k -> new StringBuilder())
            .append(event.path("delta").asText());
        case "transcript.done" -> {
          StringBuilder deltas = streamed.remove(itemId);
          if ("assistant".equals(event.path("role").asText()) && !event.path("interrupted").asBoolean()
              && deltas != null && !deltas.toString().equals(event.path("text").asText())) {
            mismatches.add(itemId + ": '" + deltas + "' vs '" + event.path("text").asText() + "'");
          }
        }
        default -> { }
      }
    }
    return mismatches;
  }

  /** Seqs that did not follow the one before: a duplicate, a gap or a reordering. */
  List<Long> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  @Override
  public void close() {
    WebSocket s = socket;
    if (s != null && !s.isClosed()) {
      s.close();
    }
    client.close();
  }
}
