package io.voxrelay.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The load generator: streams spread over its event loops, with probes of its own saturation (how late its
 * event loops run timers, how late streams send), so a saturated generator is never taken for a slow target.
 */
final class Generator {

  final Vertx vertx;
  private final WebSocketClient wsClient;
  private final HttpClient http;
  final Latencies loopLag = new Latencies();
  private final List<Long> probes = new ArrayList<>();
  private volatile boolean probing;

  Generator(Vertx vertx) {
    this.vertx = vertx;
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setConnectTimeout(30_000));
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
  }

  /**
   * New streams for {@code target}; call from the bench's main thread. A stream made for another port (a
   * proxy in front of the target) uses {@code port} instead.
   */
  List<StreamClient> streams(Target target, int count, StreamClient.Stats stats, int firstId) {
    return streams(target, target.port, count, stats, firstId);
  }

  List<StreamClient> streams(Target target, int port, int count, StreamClient.Stats stats, int firstId) {
    List<StreamClient> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StreamClient stream = new StreamClient(vertx, wsClient, http, target.protocol, "127.0.0.1", port,
          target.path, firstId + i, stats);
      // Called from the bench's main thread, so each call makes a new context, round robin over the loops.
      contexts.put(stream.id, vertx.getOrCreateContext());
      streams.add(stream);
    }
    return streams;
  }

  /**
   * Runs {@code step} for every stream with at most {@code parallel} in flight, each on an event-loop
   * context of its own (round robin over the generator's loops); completes with the failures' count.
   */
  Future<Integer> forEach(List<StreamClient> streams, int parallel, Function<StreamClient, Future<?>> step) {
    Promise<Integer> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    if (streams.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= streams.size()) {
        return;
      }
      StreamClient stream = streams.get(i);
      contextOf(stream).runOnContext(v -> step.apply(stream).onComplete(ar -> {
        if (ar.failed()) {
          failed.incrementAndGet();
        }
        if (finished.incrementAndGet() == streams.size()) {
          done.complete(failed.get());
        } else {
          launch[0].run();
        }
      }));
    };
    for (int i = 0; i < Math.min(parallel, streams.size()); i++) {
      launch[0].run();
    }
    return done.future();
  }

  private final java.util.Map<Integer, Context> contexts = new java.util.concurrent.ConcurrentHashMap<>();

  /** Each stream always runs on the same context. */
  Context contextOf(StreamClient stream) {
    return contexts.get(stream.id);
  }

  /** Starts probing event-loop lag: a 10 ms timer on several contexts, recording how late each fires. */
  void startProbes() {
    probing = true;
    for (int i = 0; i < 4; i++) {
      Context ctx = vertx.getOrCreateContext();
      ctx.runOnContext(v -> {
        long[] last = {System.nanoTime()};
        probes.add(vertx.setPeriodic(10, t -> {
          long now = System.nanoTime();
          if (probing) {
            loopLag.add(Math.max(0, now - last[0] - 10_000_000) / 1_000);
          }
          last[0] = now;
        }));
      });
    }
  }

  void stopProbes() {
    probing = false;
    probes.forEach(vertx::cancelTimer);
    probes.clear();
  }
}
