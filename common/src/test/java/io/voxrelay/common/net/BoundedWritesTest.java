package io.voxrelay.common.net;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.MutableClock;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Real sockets: a client that pauses its reading, against the bounds of {@link BoundedWrites}. */
class BoundedWritesTest {

  private static final String FRAME = "x".repeat(16 * 1024);
  private static final String AUDIO = "{\"type\":\"audio\",\"data\":\"AAAA\"}";

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(1_000_000);
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger stalls = new AtomicInteger();
  private WebSocket client;
  private ServerWebSocket socket;

  @BeforeEach
  void connect() {
    Promise<ServerWebSocket> accepted = Promise.promise();
    HttpServer server = Await.result(vertx.createHttpServer()
        .requestHandler(req -> req.toWebSocket().onSuccess(accepted::tryComplete)).listen(0, "127.0.0.1"));
    // A small receive buffer, so the kernel holds little and the server's queue fills soon.
    WebSocketClient clients = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192));
    client = Await.result(clients.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(server.actualPort()).setURI("/")));
    client.textMessageHandler(text -> received.incrementAndGet());
    client.pause();
    socket = Await.result(accepted.future());
  }

  @AfterEach
  void close() {
    // A paused peer would hold the socket's close (its close frame waits behind the full queue).
    client.resume();
    Await.result(vertx.close());
  }

  private BoundedWrites writes(WriteBounds bounds) {
    return new BoundedWrites(socket, bounds, clock::millis, stalls::incrementAndGet);
  }

  /** Writes frames that may not be lost until the queue is full; returns how many. */
  private static int fill(ServerWebSocket socket, BoundedWrites writes) {
    int written = 0;
    while (!socket.writeQueueFull() && written < 100_000) {
      writes.write(FRAME);
      written++;
    }
    return written;
  }

  @Test
  @DisplayName("past the queue bound audio is dropped; frames that may not be lost go on up to the overflow bound, then the peer counts as stalled")
  void overflowBytes() {
    int[] r = Await.onLoop(vertx, () -> {
      BoundedWrites writes = writes(new WriteBounds(64 * 1024, 4 * FRAME.length(), 60_000));
      int written = fill(socket, writes);
      boolean audio = writes.writeDroppable(AUDIO);
      int over = 0;
      while (writes.write(FRAME)) {
        over++;
      }
      return new int[] {written, audio ? 1 : 0, over, (int) writes.dropped(), writes.stalled() ? 1 : 0};
    });
    assertThat(r[0]).as("frames until full").isLessThan(100_000);
    assertThat(r[1]).as("audio written while full").isZero();
    assertThat(r[3]).as("audio frames dropped").isEqualTo(1);
    assertThat(r[2]).as("16 KiB frames written over the full queue, with a 64 KiB overflow bound").isEqualTo(4);
    assertThat(r[4]).as("stalled").isEqualTo(1);
    assertThat(stalls).as("onStalled runs once").hasValue(1);
  }

  @Test
  @DisplayName("a write after the socket closed writes nothing and says so, rather than throwing")
  void closedSocket() {
    BoundedWrites writes = Await.onLoop(vertx, () -> writes(new WriteBounds(64 * 1024, 64 * 1024, 5_000)));
    client.resume();
    Await.result(socket.close());
    boolean[] written = Await.onLoop(vertx, () -> new boolean[] {writes.write(FRAME), writes.writeDroppable(AUDIO)});
    assertThat(written).containsExactly(false, false);
    assertThat(stalls.get()).isZero();
  }

  @Test
  @DisplayName("a queue full for longer than the stall bound counts as stalled, even with only audio to send")
  void stallTime() {
    BoundedWrites writes = Await.onLoop(vertx, () -> {
      BoundedWrites w = writes(new WriteBounds(64 * 1024, 1 << 20, 5_000));
      fill(socket, w);
      return w;
    });
    assertThat(Await.onLoop(vertx, () -> writes.writeDroppable(AUDIO))).isFalse();
    clock.advance(Duration.ofMillis(5_000));
    assertThat(Await.onLoop(vertx, () -> writes.writeDroppable(AUDIO))).as("at the bound, still waiting").isFalse();
    assertThat(stalls).hasValue(0);
    clock.advance(Duration.ofMillis(1));
    assertThat(Await.onLoop(vertx, () -> writes.writeDroppable(AUDIO))).isFalse();
    assertThat(stalls).as("past the bound").hasValue(1);
    assertThat(Await.onLoop(vertx, () -> writes.write("{}"))).as("nothing more is written").isFalse();
  }

  @Test
  @DisplayName("a peer that reads again before the bounds starts the count over")
  void drainingStartsOver() {
    BoundedWrites writes = Await.onLoop(vertx, () -> writes(new WriteBounds(64 * 1024, 2 * FRAME.length(), 5_000)));
    int first = Await.onLoop(vertx, () -> fill(socket, writes) + (writes.write(FRAME) ? 1 : 0));
    clock.advance(Duration.ofMillis(4_000));
    client.resume();
    Await.until("the peer read everything", Duration.ofSeconds(20), () -> received.get() >= first);
    client.pause();
    Await.onLoop(vertx, () -> fill(socket, writes));
    clock.advance(Duration.ofMillis(4_000));
    // 8 s since the queue was first full, 3 frames over it in all: both within the bounds only if draining reset them.
    assertThat(Await.onLoop(vertx, () -> writes.write(FRAME) && writes.write(FRAME))).isTrue();
    assertThat(stalls).hasValue(0);
    assertThat(Await.onLoop(vertx, () -> writes.write(FRAME))).as("a third frame over it").isFalse();
    assertThat(stalls).hasValue(1);
  }
}
