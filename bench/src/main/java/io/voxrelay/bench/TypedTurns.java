package io.voxrelay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;

import java.util.List;

/**
 * The typed-turn part: sessions each send typed turns one after another, and the time from a client's
 * {@code text} to the user turn's {@code transcript.done} at that client is measured (the turn went through the
 * gateway, the session service and the relay, entered the upstream conversation and was stored). The fake
 * upstream acknowledges the item and answers at once, so the next turn can enter.
 */
final class TypedTurns {

  /** How long a turn may take before it counts as failed. */
  private static final long TURN_TIMEOUT_MS = 15_000;

  record Result(String target, int sessions, int turnsEach, Latencies.Summary toStored, int failed) {
  }

  private TypedTurns() {
  }

  static Result run(Generator generator, Target target, int sessions, int turnsEach) throws Exception {
    StreamClient.Stats stats = new StreamClient.Stats();
    List<StreamClient> clients = generator.streams(target, sessions, stats, 200_000);
    Latencies toStored = new Latencies();
    try {
      int failed = LoadRun.await(generator.forEach(clients, 16, StreamClient::create));
      failed += LoadRun.await(generator.forEach(clients, 16, StreamClient::connect));
      if (failed > 0) {
        throw new IllegalStateException(failed + " sessions did not connect");
      }
      // A turn first for each, unmeasured: the relay's first request of each kind warms up.
      LoadRun.await(generator.forEach(clients, sessions, c -> turn(c, 0, new Latencies())));
      int turnFailures = LoadRun.await(generator.forEach(clients, sessions, c -> turns(c, 1, turnsEach, toStored)));
      return new Result(target.name, sessions, turnsEach, toStored.summary(), turnFailures);
    } finally {
      LoadRun.await(generator.forEach(clients, 64, StreamClient::close));
    }
  }

  private static Future<Void> turns(StreamClient client, int n, int last, Latencies into) {
    return n > last ? Future.succeededFuture() : turn(client, n, into).compose(v -> turns(client, n + 1, last, into));
  }

  /** One typed turn: sent, then timed until its user {@code transcript.done} arrives. */
  private static Future<Void> turn(StreamClient client, int n, Latencies into) {
    String text = "typed turn " + n + " of " + client.id;
    Promise<Void> stored = Promise.promise();
    long sentAt = System.nanoTime();
    client.events = event -> {
      if ("transcript.done".equals(event.path("type").asText()) && "user".equals(event.path("role").asText())
          && text.equals(event.path("text").asText())) {
        into.add((System.nanoTime() - sentAt) / 1_000);
        stored.tryComplete();
      }
    };
    client.send("{\"type\":\"text\",\"text\":\"" + text + "\",\"seq\":" + (n + 1) + "}");
    return stored.future().timeout(TURN_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * The fake upstream's side: a {@code conversation.item.create} is acknowledged ({@code conversation.item.added},
   * then {@code .done}), and a {@code response.create} answered at once ({@code response.created}, then
   * {@code response.done} with the request's metadata), as GA does.
   */
  static void acknowledge(ServerWebSocket socket, String text) {
    if (!text.contains("\"conversation.item.create\"") && !text.contains("\"response.create\"")) {
      return;
    }
    JsonNode event = Json.parse(text);
    if ("conversation.item.create".equals(event.path("type").asText())) {
      JsonNode item = event.path("item");
      String added = Json.write(Json.object().put("type", "conversation.item.added").put("event_id", "event_a")
          .set("item", item));
      socket.writeTextMessage(added);
      socket.writeTextMessage(added.replace("\"conversation.item.added\"", "\"conversation.item.done\""));
    } else if ("response.create".equals(event.path("type").asText())) {
      var response = Json.object().put("id", "resp_t").put("object", "realtime.response")
          .put("status", "in_progress");
      response.putArray("output");
      if (event.path("response").path("metadata").isObject()) {
        response.set("metadata", event.path("response").path("metadata"));
      }
      socket.writeTextMessage(Json.write(Json.object().put("type", "response.created").put("event_id", "event_r")
          .set("response", response)));
      response.put("status", "completed");
      socket.writeTextMessage(Json.write(Json.object().put("type", "response.done").put("event_id", "event_s")
          .set("response", response)));
    }
  }
}
