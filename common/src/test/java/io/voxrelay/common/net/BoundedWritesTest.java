package io.voxrelay.common.net;

import io.voxrelay.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedWritesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a peer that stops reading: audio is dropped, other frames are bounded, draining starts over")
  void peerThatStopsReading() {
    Promise<ServerWebSocket> accepted = Promise.promise();
    HttpServer server = Await.result(vertx.createHttpServer()
        .requestHandler(req -> req.toWebSocket().onSuccess(accepted::tryComplete)).listen(0, "127.0.0.1"));
    AtomicInteger received = new AtomicInteger();
    WebSocketClient clients = vertx.createWebSocketClient();
    WebSocket client = Await.result(clients.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(server.actualPort()).setURI("/")));
    client.textMessageHandler(text -> received.incrementAndGet());
    client.pause();
    ServerWebSocket socket = Await.result(accepted.future());
    String frame = "x".repeat(16 * 1024);

    Promise<int[]> filled = Promise.promise();
    vertx.runOnContext(v -> {
      BoundedWrites writes = new BoundedWrites(socket);
      int written = 0;
      while (!socket.writeQueueFull() && written < 100_000) {
        writes.write(frame);
        written++;
      }
      boolean audio = writes.writeDroppable("{\"type\":\"audio\"}");
      int accepted2 = 0;
      while (writes.write("{\"type\":\"transcript.done\"}")) {
        accepted2++;
      }
      filled.complete(new int[] {written, audio ? 1 : 0, accepted2, (int) writes.dropped()});
    });
    int[] r = Await.result(filled.future());
    assertThat(socket.writeQueueFull()).isTrue();
    assertThat(r[0]).as("frames until full").isLessThan(100_000);
    assertThat(r[1]).as("audio written while full").isZero();
    assertThat(r[3]).as("dropped").isEqualTo(1);
    assertThat(r[2]).as("frames that may not be lost, written while full").isEqualTo(BoundedWrites.MAX_WRITES_WHILE_FULL);

    client.resume();
    Await.until("the peer reads again", Duration.ofSeconds(20), () -> received.get() >= r[0]);
  }
}
