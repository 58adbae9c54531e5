package io.voxrelay.bench;

import io.vertx.core.Future;

import java.util.List;

/**
 * N sessions connected through a TCP proxy; the proxy cuts every connection at once, and each
 * client reconnects at once with its resume token and last seq: the time from the cut to {@code connected}
 * (the replay follows it on the same socket).
 */
final class ReconnectStorm {

  /**
   * @param toOpen      from the cut to the new WebSocket's handshake
   * @param toConnected from the cut to {@code connected}
   */
  record Result(String target, int sessions, Latencies.Summary toOpen, Latencies.Summary toConnected, int failed) {
  }

  private ReconnectStorm() {
  }

  static Result run(Generator generator, Target target, int sessions) throws Exception {
    TcpProxy proxy = new TcpProxy(generator.vertx, target.port);
    int proxyPort = LoadRun.await(proxy.start());
    StreamClient.Stats stats = new StreamClient.Stats();
    List<StreamClient> clients = generator.streams(target, proxyPort, sessions, stats, 100_000);
    try {
      int failed = LoadRun.await(generator.forEach(clients, 16, StreamClient::create));
      failed += LoadRun.await(generator.forEach(clients, 16, StreamClient::connect));
      if (failed > 0) {
        throw new IllegalStateException(failed + " sessions did not connect before the storm");
      }
      Thread.sleep(1_000);
      Latencies toConnected = new Latencies();
      long cutAt = System.nanoTime();
      proxy.cutAll();
      int reconnectFailures = LoadRun.await(generator.forEach(clients, sessions, c -> reconnect(c, cutAt, toConnected)));
      Latencies toOpen = new Latencies();
      clients.forEach(c -> toOpen.add((c.openedAtNanos - cutAt) / 1_000));
      return new Result(target.name, sessions, toOpen.summary(), toConnected.summary(), reconnectFailures);
    } finally {
      LoadRun.await(generator.forEach(clients, 64, StreamClient::close));
      LoadRun.await(proxy.close());
    }
  }

  /** Reconnects until it works (at most 5 tries, as a client would), recording the time since the cut. */
  private static Future<Void> reconnect(StreamClient client, long cutAt, Latencies toConnected) {
    return attempt(client, 5).onSuccess(v -> toConnected.add((System.nanoTime() - cutAt) / 1_000));
  }

  private static Future<Void> attempt(StreamClient client, int left) {
    return client.connect().recover(e -> left > 1 ? attempt(client, left - 1) : Future.failedFuture(e));
  }
}
