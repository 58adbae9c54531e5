package io.voxrelay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated user: connects to a target the way its protocol wants, then sends a stamped 20 ms frame
 * every 20 ms and reads the stamped frames coming back. Confined to one event loop of the generator.
 */
final class StreamClient {

  /** How a target is spoken to. */
  enum Protocol {
    /** The GA Realtime protocol, straight to the fake upstream: the floor. */
    GA,
    /** voxrelay's client messages without a session (the pass-through baseline); {@code connected} once its upstream is open. */
    AUDIO_ONLY,
    /** voxrelay: a session created over HTTP, then hello and {@code connected}. */
    VOXRELAY
  }

  private final Vertx vertx;
  private final WebSocketClient wsClient;
  private final HttpClient http;
  private final Protocol protocol;
  private final String host;
  private final int port;
  private final String path;
  final int id;
  private final Stats stats;
  private WebSocket socket;
  private long timer = -1;
  private long heartbeat = -1;
  private int frame;
  private long startedAt;
  /** When the last connect's WebSocket handshake completed ({@link System#nanoTime()}). */
  long openedAtNanos;
  String sessionId;
  String token;
  long lastSeq;
  /** Hears every numbered event (voxrelay only), parsed. */
  java.util.function.Consumer<JsonNode> events = e -> { };

  /** What the generator measures across streams. */
  static final class Stats {
    final Latencies downlink = new Latencies();
    final Latencies sendLag = new Latencies();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    volatile boolean recording = true;
  }

  StreamClient(Vertx vertx, WebSocketClient wsClient, HttpClient http, Protocol protocol, String host, int port,
               String path, int id, Stats stats) {
    this.vertx = vertx;
    this.wsClient = wsClient;
    this.http = http;
    this.protocol = protocol;
    this.host = host;
    this.port = port;
    this.path = path;
    this.id = id;
    this.stats = stats;
  }

  /** Creates the session (voxrelay only). */
  Future<Void> create() {
    if (protocol != Protocol.VOXRELAY) {
      return Future.succeededFuture();
    }
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
            .setURI("/v1/sessions").putHeader("Content-Type", "application/json")
            .putHeader("Authorization", "Bearer " + Target.API_KEY))
        .compose(req -> req.send(Buffer.buffer("{\"instructions\":\"bench\",\"questions\":[\"One?\"]}")))
        .compose(res -> res.statusCode() == 201 ? res.body()
            : Future.failedFuture("session creation answered " + res.statusCode()))
        .map(body -> {
          JsonNode created = Json.parse(body.getBytes());
          sessionId = created.path("sessionId").asText();
          token = created.path("token").asText();
          return null;
        });
  }

  /** Opens the socket; for voxrelay, says hello and completes on {@code connected}. */
  Future<Void> connect() {
    String uri = protocol == Protocol.VOXRELAY ? "/v1/sessions/" + sessionId + "/ws" : path;
    Promise<Void> ready = Promise.promise();
    wsClient.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri))
        .onFailure(ready::tryFail)
        .onSuccess(ws -> {
          openedAtNanos = System.nanoTime();
          socket = ws;
          ws.exceptionHandler(e -> { });
          ws.closeHandler(v -> ready.tryFail("closed " + ws.closeStatusCode()));
          ws.textMessageHandler(text -> onText(text, ready));
          if (protocol == Protocol.VOXRELAY) {
            ws.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + token + "\",\"lastSeq\":" + lastSeq + "}");
          } else if (protocol == Protocol.GA) {
            ready.tryComplete();
          }
        });
    return ready.future();
  }

  private void onText(String text, Promise<Void> ready) {
    switch (protocol) {
      case GA -> {
        if (text.contains("\"response.output_audio.delta\"")) {
          received(Stamp.field(text, "delta"));
        }
      }
      case AUDIO_ONLY -> {
        if (text.startsWith("{\"type\":\"connected\"")) {
          ready.tryComplete();
        } else {
          received(Stamp.field(text, "data"));
        }
      }
      case VOXRELAY -> {
        if (text.startsWith("{\"type\":\"audio\"")) {
          received(Stamp.field(text, "data"));
        } else if (text.startsWith("{\"type\":\"connected\"")) {
          JsonNode connected = Json.parse(text);
          token = connected.path("resumeToken").asText();
          socket.writeTextMessage("{\"type\":\"ack\",\"seq\":" + lastSeq + "}");
          if (heartbeat < 0) {
            heartbeat = vertx.setPeriodic(20_000, t -> socket.writeTextMessage("{\"type\":\"heartbeat.ping\"}"));
          }
          ready.tryComplete();
        } else if (text.startsWith("{\"seq\":")) {
          JsonNode event = Json.parse(text);
          lastSeq = Math.max(lastSeq, event.path("seq").asLong());
          events.accept(event);
        }
      }
    }
  }

  private void received(String base64) {
    Stamp.Read stamp = Stamp.read(base64);
    if (stamp != null && stats.recording) {
      stats.downlink.add((System.nanoTime() - stamp.sentAtNanos()) / 1_000);
      stats.received.incrementAndGet();
    }
  }

  /** Sends a stamped frame every 20 ms, measuring how late each send is against its schedule. */
  void startStreaming() {
    startedAt = System.nanoTime();
    frame = 0;
    timer = vertx.setPeriodic(20, t -> {
      long now = System.nanoTime();
      long due = startedAt + (frame + 1) * 20_000_000L;
      if (stats.recording) {
        stats.sendLag.add(Math.max(0, now - due) / 1_000);
        stats.sent.incrementAndGet();
      }
      String data = Stamp.frame(now, id, frame++);
      socket.writeTextMessage(protocol == Protocol.GA
          ? "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + data + "\"}"
          : "{\"type\":\"audio\",\"data\":\"" + data + "\"}");
    });
  }

  /** Sends a message as it is (a control, a typed turn). */
  void send(String json) {
    socket.writeTextMessage(json);
  }

  void stopStreaming() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Leaves: a voxrelay session is ended first ({@code end_interview}; voxrelay closes the socket once it is
   * stored), as a user who finished does, so no session of one part lingers in its grace into the next part's
   * figures. Bounded by {@link #END_TIMEOUT_MS}, then the socket is closed anyway.
   */
  Future<Void> close() {
    stopStreaming();
    if (heartbeat >= 0) {
      vertx.cancelTimer(heartbeat);
      heartbeat = -1;
    }
    if (socket == null || socket.isClosed()) {
      return Future.succeededFuture();
    }
    if (protocol != Protocol.VOXRELAY) {
      return socket.close();
    }
    Promise<Void> closed = Promise.promise();
    WebSocket ws = socket;
    ws.closeHandler(v -> closed.tryComplete());
    long timer = vertx.setTimer(END_TIMEOUT_MS, t -> ws.close().onComplete(ar -> closed.tryComplete()));
    ws.writeTextMessage("{\"type\":\"end_interview\"}");
    return closed.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  static final long END_TIMEOUT_MS = 5_000;
}
