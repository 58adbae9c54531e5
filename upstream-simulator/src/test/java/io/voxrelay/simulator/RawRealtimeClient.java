package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A bare Realtime client for simulator tests: sends raw events, records what comes back. */
final class RawRealtimeClient implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Short> closeCode = new AtomicReference<>();

  RawRealtimeClient(Vertx vertx, String url) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 22).setMaxMessageSize(1 << 24));
    // Handlers are set on the event loop as the socket opens, so no early event is missed.
    socket = Await.result(client.connect(new WebSocketConnectOptions().setAbsoluteURI(url + "?model=gpt-realtime")
        .addHeader("Authorization", "Bearer test-key")).onSuccess(ws -> {
          ws.textMessageHandler(t -> events.add(Json.parse(t)));
          ws.closeHandler(v -> closeCode.set(ws.closeStatusCode() == null ? (short) 1006 : ws.closeStatusCode()));
        }));
  }

  void send(String json) {
    Await.result(socket.writeTextMessage(json));
  }

  List<JsonNode> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  List<String> types() {
    return events().stream().map(e -> e.path("type").asText()).toList();
  }

  List<JsonNode> ofType(String type) {
    return events().stream().filter(e -> type.equals(e.path("type").asText())).toList();
  }

  JsonNode await(String type, int count, Duration timeout) {
    return Await.value(count + " × " + type + " (have " + types() + ")", timeout,
        () -> ofType(type).size() >= count ? ofType(type).get(count - 1) : null);
  }

  JsonNode await(String type) {
    return await(type, 1, Duration.ofSeconds(10));
  }

  int awaitClose() {
    return Await.value("close", Duration.ofSeconds(10), closeCode::get);
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close();
    }
    client.close();
  }
}
