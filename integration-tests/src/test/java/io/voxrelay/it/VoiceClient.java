package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** A scripted voxrelay client for tests: real HTTP and a real WebSocket, recording every event it receives. */
final class VoiceClient implements AutoCloseable {

  record Created(String sessionId, String token) {
  }

  record HttpReply(int status, JsonNode body) {
  }

  private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong aiAudioBytes = new AtomicLong();
  private final AtomicReference<Short> closeCode = new AtomicReference<>();
  private final WebSocketClient client;
  private final WebSocket socket;
  private volatile long heartbeatTimer = -1;
  private volatile boolean countAudioOnly;
  private Vertx vertx;

  private VoiceClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
  }

  /** Sets the handlers; called on the event loop as the socket opens, so no early event is missed. */
  private void listen(WebSocket socket) {
    socket.textMessageHandler(text -> {
      JsonNode event = Json.parse(text);
      if ("audio".equals(event.path("type").asText())) {
        aiAudioBytes.addAndGet(Base64.getDecoder().decode(event.path("data").asText()).length);
        if (countAudioOnly) {
          return;
        }
      }
      events.add(event);
    });
    socket.closeHandler(v -> closeCode.set(socket.closeStatusCode() == null ? (short) 1006 : socket.closeStatusCode()));
  }

  /** As an API key argument: send no {@code Authorization} header (null sends {@link Deployment#API_KEY}). */
  static final String NO_KEY = "";

  static HttpReply post(Vertx vertx, int port, String path, String body) {
    return post(vertx, port, path, body, null);
  }

  /** POSTs {@code body} with {@code Authorization: Bearer <apiKey>} (see {@link #NO_KEY}). */
  static HttpReply post(Vertx vertx, int port, String path, String body, String apiKey) {
    return post(vertx, port, path, body, apiKey, "application/json");
  }

  static HttpReply post(Vertx vertx, int port, String path, String body, String apiKey, String contentType) {
    return request(vertx, HttpMethod.POST, port, path, body, apiKey, contentType);
  }

  /** GETs {@code path} with {@code Authorization: Bearer <apiKey>} (see {@link #NO_KEY}). */
  static HttpReply get(Vertx vertx, int port, String path, String apiKey) {
    return request(vertx, HttpMethod.GET, port, path, "", apiKey, "application/json");
  }

  /** DELETEs {@code path} with the API key (see {@link #NO_KEY}). */
  static HttpReply delete(Vertx vertx, int port, String path, String apiKey) {
    return request(vertx, HttpMethod.DELETE, port, path, "", apiKey, "application/json");
  }

  /** PATCHes {@code path} with a JSON {@code body} and the API key (see {@link #NO_KEY}). */
  static HttpReply patch(Vertx vertx, int port, String path, String body, String apiKey) {
    return request(vertx, HttpMethod.PATCH, port, path, body, apiKey, "application/json");
  }

  private static HttpReply request(Vertx vertx, HttpMethod method, int port, String path, String body,
                                   String apiKey, String contentType) {
    HttpClient http = vertx.createHttpClient(TlsPorts.forPort(port,
        new io.vertx.core.http.HttpClientOptions().setConnectTimeout(5_000)));
    RequestOptions options = new RequestOptions()
        .setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path).setIdleTimeout(10_000)
        .putHeader("Content-Type", contentType).putHeader("User-Agent", "voxrelay-test-agent/1.0");
    // No key named: the test deployments' own (Deployment.API_KEY); NO_KEY: no Authorization header at all.
    String key = apiKey == null ? Deployment.API_KEY : apiKey;
    if (!key.isEmpty()) {
      options.putHeader("Authorization", "Bearer " + key);
    }
    // How far the exchange got, so a request that gets no answer says where it stopped.
    AtomicReference<String> reached = new AtomicReference<>("asking for a connection");
    // The whole exchange runs on one event loop. Started from the test's thread, a response that arrived
    // before the test's thread had chained its handler ran that handler there, calling body() off the
    // connection's thread while the event loop handled the end: Vert.x 5.0.10 then drops the end and body()
    // never completes (eclipse-vertx/vert.x#6038, fixed in 5.0.11). That was the rare "got no answer".
    Promise<HttpReply> reply = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> http.request(options)
        .compose(req -> {
          reached.set("connected from " + req.connection().localAddress() + ", sending the request");
          return req.send(Buffer.buffer(body));
        })
        .compose(response -> {
          reached.updateAndGet(was -> was.replace("sending the request", "reading a " + response.statusCode()));
          return response.body().map(payload -> new HttpReply(response.statusCode(),
              String.valueOf(response.getHeader("Content-Type")).startsWith("application/json")
                  ? Json.parse(payload.getBytes()) : null));
        })
        .onComplete(reply));
    try {
      return Await.result(reply.future(), Duration.ofSeconds(15));
    } catch (AssertionError | RuntimeException noAnswer) {
      throw new AssertionError(method + " " + path + " got no answer: " + reached.get(), noAnswer);
    } finally {
      http.close();
    }
  }

  static Created createSession(Vertx vertx, int port) {
    return createSession(vertx, port, null);
  }

  static Created createSession(Vertx vertx, int port, String apiKey) {
    return createSession(vertx, port, apiKey, "You are a test interviewer.");
  }

  static Created createSession(Vertx vertx, int port, String apiKey, String instructions) {
    HttpReply reply = post(vertx, port, "/v1/sessions", "{\"instructions\":\"" + instructions
        + "\",\"questions\":[\"Who are you?\",\"Why voice?\"]}", apiKey);
    if (reply.status() != 201) {
      throw new AssertionError("session creation answered " + reply.status() + ": " + reply.body());
    }
    return new Created(reply.body().path("sessionId").asText(), reply.body().path("token").asText());
  }

  /** Opens the WebSocket of {@code sessionId} without sending anything. */
  static VoiceClient open(Vertx vertx, int port, String sessionId) {
    WebSocketClient client = vertx.createWebSocketClient(TlsPorts.forPort(port,
        new io.vertx.core.http.WebSocketClientOptions()));
    VoiceClient[] holder = new VoiceClient[1];
    WebSocket socket = Await.result(client.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/v1/sessions/" + sessionId + "/ws")).onSuccess(ws -> {
          holder[0] = new VoiceClient(client, ws);
          holder[0].vertx = vertx;
          holder[0].listen(ws);
        }));
    return holder[0];
  }

  /** Opens the session's WebSocket, says hello and waits for {@code connected}. */
  static VoiceClient connect(Vertx vertx, int port, Created session) {
    VoiceClient client = open(vertx, port, session.sessionId());
    client.send("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
    client.awaitEvent("connected", Duration.ofSeconds(20));
    return client;
  }

  /** From now on the AI's audio is counted ({@link #aiAudioBytes}) but not kept: for a client that talks for long. */
  void countAudioOnly() {
    countAudioOnly = true;
  }

  /** Sends {@code heartbeat.ping} every {@code intervalMs}, as the web client does, until stopped. */
  void startHeartbeats(long intervalMs) {
    heartbeatTimer = vertx.setPeriodic(intervalMs, t -> {
      if (!socket.isClosed()) {
        socket.writeTextMessage("{\"type\":\"heartbeat.ping\"}");
      }
    });
  }

  void stopHeartbeats() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }

  /**
   * Keeps speaking for {@code millis}, or until the server closes the socket: 200 ms of speech every 150 ms.
   * Unlike {@link #streamAudio} it tolerates the close, which is what a test of termination waits for.
   */
  void keepSpeaking(long millis) {
    long until = System.currentTimeMillis() + millis;
    while (!isClosed() && System.currentTimeMillis() < until) {
      for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.speech(200), 40)) {
        if (!socket.isClosed()) {
          socket.writeTextMessage("{\"type\":\"audio\",\"data\":\"" + chunk + "\"}");
        }
      }
      Await.sleep(150);
    }
  }

  void send(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  /** Streams {@code pcm} as 40 ms audio messages, paced at {@code paceMillis} between messages. */
  void streamAudio(byte[] pcm, long paceMillis) {
    for (String chunk : SpeechLikeAudio.base64Chunks(pcm, 40)) {
      send("{\"type\":\"audio\",\"data\":\"" + chunk + "\"}");
      if (paceMillis > 0) {
        Await.sleep(paceMillis);
      }
    }
  }

  List<JsonNode> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  List<JsonNode> events(String type) {
    return events().stream().filter(e -> type.equals(e.path("type").asText())).toList();
  }

  JsonNode awaitEvent(String type, Duration timeout) {
    return Await.value("event '" + type + "'", timeout,
        () -> events(type).stream().findFirst().orElse(null));
  }

  JsonNode awaitEvent(String description, Duration timeout, java.util.function.Predicate<JsonNode> match) {
    return Await.value(description, timeout, () -> events().stream().filter(match).findFirst().orElse(null));
  }

  /** The resume token of the latest {@code connected}: the only token that opens the session next time. */
  Created resumeWith() {
    JsonNode connected = events("connected").get(events("connected").size() - 1);
    return new Created(connected.path("sessionId").asText(), connected.path("resumeToken").asText());
  }

  long aiAudioBytes() {
    return aiAudioBytes.get();
  }

  /** The close code the server sent, waiting for the close up to {@code timeout}. */
  int awaitClose(Duration timeout) {
    return Await.value("the socket to close", timeout, closeCode::get);
  }

  boolean isClosed() {
    return closeCode.get() != null;
  }

  @Override
  public void close() {
    stopHeartbeats();
    if (!socket.isClosed()) {
      socket.close();
    }
    client.close();
  }
}
