package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.ToolTurns;
import io.voxrelay.common.webhook.BoundedExchange;
import io.voxrelay.common.webhook.SignedPost;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The app backend's tool endpoint ({@code VOXRELAY_TOOL_URL}), as one relay instance calls it: each call POSTed
 * signed like the webhooks, with its call id as the idempotency key. Every way a call can go wrong (no
 * endpoint, an error status, a timeout, a malformed or oversized reply) becomes an error output the model can
 * read; a call never fails and never lasts past the timeout, however slowly the endpoint sends its reply
 * ({@link BoundedExchange}).
 */
final class ToolEndpoint {

  /** A call under way: its outcome, and a way to give up on it (the request is reset). */
  interface Call {
    Future<ToolTurns.Output> outcome();

    void cancel();
  }

  private static final String USER_AGENT = "voxrelay-tools/1";

  private final Vertx vertx;
  private final ToolConfig config;
  private final HttpClient http;

  ToolEndpoint(Vertx vertx, ToolConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.http = config.enabled() ? vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(config.timeoutMs(), Integer.MAX_VALUE)).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(64)) : null;
  }

  /** Calls tool {@code call} of session {@code sessionId}. */
  Call call(String sessionId, ToolTurns.Call call) {
    if (http == null) {
      return done(error(call, "error", "no tool endpoint is configured (VOXRELAY_TOOL_URL)"));
    }
    URI url = config.url().orElseThrow();
    JsonNode arguments;
    try {
      arguments = Json.parse(call.arguments());
    } catch (Json.InvalidJsonException e) {
      return done(error(call, "error", "the arguments are not JSON"));
    }
    byte[] body = Json.write(Json.object().put("sessionId", sessionId).put("callId", call.callId())
        .put("name", call.name()).set("arguments", arguments)).getBytes(StandardCharsets.UTF_8);
    RequestOptions options = SignedPost.to(url, config.timeoutMs(), USER_AGENT, config.secret().orElseThrow().reveal(),
        body).putHeader("X-Voxrelay-Call-Id", call.callId());
    BoundedExchange exchange = BoundedExchange.start(vertx, http, options, body, config.timeoutMs(),
        ToolConfig.MAX_REPLY_BYTES);
    Promise<ToolTurns.Output> outcome = Promise.promise();
    exchange.reply()
        .map(reply -> reply.oversize()
            ? error(call, "error", "the tool's reply is larger than " + ToolConfig.MAX_REPLY_BYTES + " bytes")
            : read(call, reply.status(), reply.body()))
        .otherwise(e -> e instanceof BoundedExchange.Cancelled ? error(call, "cancelled", "the call was cancelled")
            : isTimeout(e) ? error(call, "timeout", "the tool did not answer within " + config.timeoutMs() + " ms")
            : error(call, "error", "the tool could not be reached"))
        .onComplete(ar -> outcome.tryComplete(ar.result()));
    return new Call() {
      @Override
      public Future<ToolTurns.Output> outcome() {
        return outcome.future();
      }

      @Override
      public void cancel() {
        exchange.cancel();
      }
    };
  }

  /** A reply: {@code {"output": …}} with a 2xx status; the output as text (a JSON value as its JSON). */
  private static ToolTurns.Output read(ToolTurns.Call call, int status, Buffer reply) {
    if (status / 100 != 2) {
      return error(call, "error", "the tool answered HTTP " + status);
    }
    JsonNode node;
    try {
      node = Json.parse(reply.getBytes());
    } catch (Json.InvalidJsonException e) {
      return error(call, "error", "the tool's reply is not JSON");
    }
    if (node == null || !node.isObject() || !node.has("output")) {
      return error(call, "error", "the tool's reply has no 'output'");
    }
    JsonNode output = node.get("output");
    return new ToolTurns.Output(call.callId(), call.name(), "ok", output.isTextual() ? output.asText()
        : Json.write(output));
  }

  /** What the model reads when a call went wrong: a small JSON object it can explain to the user. */
  static ToolTurns.Output error(ToolTurns.Call call, String status, String message) {
    return new ToolTurns.Output(call.callId(), call.name(), status,
        Json.write(Json.object().put("error", status).put("message", message)));
  }

  private static Call done(ToolTurns.Output output) {
    return new Call() {
      @Override
      public Future<ToolTurns.Output> outcome() {
        return Future.succeededFuture(output);
      }

      @Override
      public void cancel() {
      }
    };
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BoundedExchange.DeadlinePassed || t instanceof java.util.concurrent.TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  Future<Void> close() {
    return http == null ? Future.succeededFuture() : http.close();
  }
}
