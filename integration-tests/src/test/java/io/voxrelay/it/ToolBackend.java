package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.webhook.Signatures;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app backend's tool endpoint, as the docs tell one to write it: it verifies each call's signature, and
 * answers {@code {"output": …}}. It can answer an error, or not at all (a hang), on demand.
 */
final class ToolBackend implements AutoCloseable {

  /** The output every successful call returns. */
  static final String OUTPUT = "the topic is distributed systems";

  private final HttpServer server;
  private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private volatile int status = 200;
  private volatile boolean hang;

  ToolBackend(Vertx vertx, String secret) {
    server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (!Signatures.verify(secret, request.getHeader(Signatures.HEADER), body.getBytes(),
          System.currentTimeMillis() / 1000)) {
        badSignatures.incrementAndGet();
        request.response().setStatusCode(400).end();
        return;
      }
      calls.add(Json.parse(body.getBytes()));
      if (!hang) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(Json.write(Json.object().put("output", OUTPUT)));
      }
    })).listen(0, "127.0.0.1"));
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/voxrelay/tools";
  }

  void status(int value) {
    status = value;
  }

  void hang(boolean value) {
    hang = value;
  }

  List<JsonNode> calls() {
    return List.copyOf(calls);
  }

  int badSignatures() {
    return badSignatures.get();
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
