package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.webhook.Signatures;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app backend's webhook endpoint, as the docs tell one to write it: it verifies every signature over the
 * raw body (a bad one is a 400 and is counted), and takes an event by answering 2xx. It can be made slow, or
 * dead (503), for a while.
 */
final class WebhookReceiver implements AutoCloseable {

  private final Vertx vertx;
  private final String secret;
  private final HttpServer server;
  /** Every event taken, in arrival order (duplicates included). */
  private final ConcurrentLinkedQueue<JsonNode> taken = new ConcurrentLinkedQueue<>();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean dead;
  private volatile long delayMs;

  WebhookReceiver(Vertx vertx, String secret) {
    this.vertx = vertx;
    this.secret = secret;
    this.server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      boolean valid = Signatures.verify(secret, request.getHeader(Signatures.HEADER), body.getBytes(),
          System.currentTimeMillis() / 1000);
      Runnable answer = () -> {
        if (!valid) {
          badSignatures.incrementAndGet();
          request.response().setStatusCode(400).end();
        } else if (dead) {
          refused.incrementAndGet();
          request.response().setStatusCode(503).end();
        } else {
          taken.add(Json.parse(body.getBytes()));
          request.response().setStatusCode(204).end();
        }
      };
      if (delayMs > 0) {
        vertx.setTimer(delayMs, t -> answer.run());
      } else {
        answer.run();
      }
    })).listen(0, "127.0.0.1"));
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/voxrelay/webhooks";
  }

  void dead(boolean value) {
    dead = value;
  }

  void delayMs(long value) {
    delayMs = value;
  }

  int badSignatures() {
    return badSignatures.get();
  }

  int refused() {
    return refused.get();
  }

  List<JsonNode> taken() {
    return List.copyOf(taken);
  }

  /** Each session's events without duplicates (by id), in the order each first arrived. */
  Map<String, List<JsonNode>> bySession() {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (JsonNode event : taken) {
      if (seen.putIfAbsent(event.path("id").asText(), true) == null) {
        out.computeIfAbsent(event.path("sessionId").asText(), k -> new ArrayList<>()).add(event);
      }
    }
    return out;
  }

  /** The types of one session's events, without duplicates, in arrival order. */
  List<String> types(String sessionId) {
    return bySession().getOrDefault(sessionId, List.of()).stream().map(e -> e.path("type").asText()).toList();
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
