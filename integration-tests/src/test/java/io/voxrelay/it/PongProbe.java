package io.voxrelay.it;

import io.voxrelay.common.json.Json;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connected session that sends {@code heartbeat.ping} every 20 ms and records the longest round trip to its
 * {@code heartbeat.pong}: a gateway event loop that blocks shows up here as a long round trip.
 */
final class PongProbe implements AutoCloseable {

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final AtomicLong sentAt = new AtomicLong();
  private final AtomicLong maxRoundTripNanos = new AtomicLong();
  private final AtomicLong pongs = new AtomicLong();
  private final long timer;

  PongProbe(Vertx vertx, int port, VoiceClient.Created session) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.socket = Await.result(client.connect(port, "127.0.0.1", "/v1/sessions/" + session.sessionId() + "/ws"));
    AtomicLong connected = new AtomicLong();
    socket.textMessageHandler(text -> {
      String type = Json.parse(text).path("type").asText();
      if ("connected".equals(type)) {
        connected.set(1);
      } else if ("heartbeat.pong".equals(type)) {
        long sent = sentAt.getAndSet(0);
        if (sent > 0) {
          maxRoundTripNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
          pongs.incrementAndGet();
        }
      }
    });
    socket.writeTextMessage("{\"type\":\"hello\",\"token\":\"" + session.token() + "\"}");
    Await.until("the probe is connected", Duration.ofSeconds(10), () -> connected.get() == 1);
    timer = vertx.setPeriodic(20, t -> {
      // One ping at a time: a ping still unanswered keeps counting.
      if (sentAt.compareAndSet(0, System.nanoTime())) {
        socket.writeTextMessage("{\"type\":\"heartbeat.ping\"}");
      } else {
        maxRoundTripNanos.accumulateAndGet(System.nanoTime() - sentAt.get(), Math::max);
      }
    });
  }

  /** Forgets the round trips so far (e.g. those of the warm-up). */
  void reset() {
    maxRoundTripNanos.set(0);
    pongs.set(0);
  }

  /** The longest round trip (or wait for an answer still missing) since the last reset, in ms. */
  double maxRoundTripMs() {
    return maxRoundTripNanos.get() / 1e6;
  }

  long pongs() {
    return pongs.get();
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    socket.close();
    client.close();
  }
}
