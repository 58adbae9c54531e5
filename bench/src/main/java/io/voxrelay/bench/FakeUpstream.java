package io.voxrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GA Realtime upstream cut down to what the bench measures: it reads the stamp of every
 * {@code input_audio_buffer.append} (client → upstream latency) and, once a connection's stream is known,
 * sends a stamped {@code response.output_audio.delta} every 20 ms (upstream → client latency). Items and
 * responses a typed turn asks for are acknowledged as GA does ({@link TypedTurns#acknowledge}). It runs in the
 * bench's process, so its clock is the load generator's.
 */
final class FakeUpstream {

  private final Vertx vertx;
  private HttpServer server;
  final Latencies uplink = new Latencies();
  /** Frames received per stream, and downlink frames sent per stream. */
  final Map<Integer, AtomicLong> received = new ConcurrentHashMap<>();
  final Map<Integer, AtomicLong> sent = new ConcurrentHashMap<>();
  private volatile boolean sending = true;
  /** Upstream connections open now (each voxrelay session that has its upstream holds one). */
  final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean recording = true;

  FakeUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Integer> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(1 << 22));
    server.webSocketHandler(this::accept);
    return server.listen().map(HttpServer::actualPort);
  }

  /** Stops sending audio downstream (the end of a measurement); connections stay open. */
  void stopSending() {
    sending = false;
  }

  void reset() {
    sending = true;
    recording = true;
    received.clear();
    sent.clear();
  }

  void stopRecording() {
    recording = false;
  }

  String url(int port) {
    return "ws://127.0.0.1:" + port + "/v1/realtime";
  }

  private void accept(ServerWebSocket socket) {
    if (!socket.path().startsWith("/v1/realtime")) {
      socket.close((short) 1008, "unknown path");
      return;
    }
    open.incrementAndGet();
    long[] timer = {-1};
    int[] stream = {-1};
    int[] frame = {0};
    socket.writeTextMessage("{\"type\":\"session.created\",\"event_id\":\"event_1\",\"session\":{\"type\":\"realtime\"}}");
    socket.textMessageHandler(text -> {
      if (!text.contains("\"input_audio_buffer.append\"")) {
        TypedTurns.acknowledge(socket, text);
        return;
      }
      Stamp.Read stamp = Stamp.read(Stamp.field(text, "audio"));
      if (stamp == null) {
        return;
      }
      if (recording) {
        uplink.add((System.nanoTime() - stamp.sentAtNanos()) / 1_000);
        received.computeIfAbsent(stamp.stream(), s -> new AtomicLong()).incrementAndGet();
      }
      if (stream[0] < 0) {
        stream[0] = stamp.stream();
        timer[0] = vertx.setPeriodic(20, t -> {
          if (!sending || socket.isClosed()) {
            return;
          }
          sent.computeIfAbsent(stream[0], s -> new AtomicLong()).incrementAndGet();
          socket.writeTextMessage("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_d\","
              + "\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\""
              + Stamp.frame(System.nanoTime(), stream[0], frame[0]++) + "\"}");
        });
      }
    });
    socket.closeHandler(v -> {
      open.decrementAndGet();
      if (timer[0] >= 0) {
        vertx.cancelTimer(timer[0]);
      }
    });
    socket.exceptionHandler(e -> { });
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
