package io.voxrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP proxy in front of a target, so the bench can cut every connection at once, as a lost network would. */
final class TcpProxy {

  private final Vertx vertx;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private NetClient client;

  TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
  }

  Future<Integer> start() {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        sockets.add(in);
        sockets.add(out);
        in.closeHandler(v -> {
          sockets.remove(in);
          out.close();
        });
        out.closeHandler(v -> {
          sockets.remove(out);
          in.close();
        });
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      });
    });
    return server.listen(0, "127.0.0.1").map(NetServer::actualPort);
  }

  /** Closes every proxied connection at once (both sides see the TCP connection go, with no WebSocket close). */
  void cutAll() {
    for (NetSocket socket : Set.copyOf(sockets)) {
      socket.close();
    }
  }

  Future<Void> close() {
    cutAll();
    return server.close().eventually(() -> client.close());
  }
}
