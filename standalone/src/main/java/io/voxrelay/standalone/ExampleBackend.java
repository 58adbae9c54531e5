package io.voxrelay.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.text.LogSafe;
import io.voxrelay.common.webhook.Signatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * An EXAMPLE of an app's backend, for the demo on embedded defaults only: it creates the demo page's sessions
 * with the API key ({@link ExampleSessionStarter}, reached through the gateway's {@code /demo/sessions}), takes
 * the lifecycle webhooks (and logs them) and carries out the demo's one tool, {@code lookup_topic}, which tells
 * the interviewer what the next question is about. It verifies every signature as a real backend must. In the
 * standalone run it listens on loopback, on a port of its own, with a secret made for this run; it is not
 * started when a webhook or tool URL is configured, nor with {@code VOXRELAY_EXAMPLE_BACKEND=false}. Do not
 * use it in production: write your own.
 */
final class ExampleBackend {

  private static final Logger LOG = LoggerFactory.getLogger(ExampleBackend.class);
  /** The demo's tool. */
  static final String TOOL = "lookup_topic";
  private static final Map<String, String> TOPICS = Map.of(
      "yourself", "your background: where you studied, what you have built, what you enjoy",
      "working", "your current work: the problem, your part in it, and what is hard about it",
      "learn", "growth: a skill you want, why it matters to you, and how you would learn it");

  private final String secret;
  private final HttpServer server;
  private final ExampleSessionStarter sessions;

  private ExampleBackend(String secret, HttpServer server, ExampleSessionStarter sessions) {
    this.secret = secret;
    this.server = server;
    this.sessions = sessions;
  }

  /** Whether a standalone run with {@code env} starts the example (nothing else is configured to take its place). */
  static boolean wanted(Env env) {
    return env.bool("VOXRELAY_EXAMPLE_BACKEND", true) && env.optional("VOXRELAY_WEBHOOK_URL").isEmpty()
        && env.optional("VOXRELAY_TOOL_URL").isEmpty();
  }

  static Future<ExampleBackend> start(Vertx vertx) {
    return start(vertx, "127.0.0.1", 0);
  }

  /** Listens on {@code host}:{@code port} (0: any free port). */
  static Future<ExampleBackend> start(Vertx vertx, String host, int port) {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    ExampleBackend[] self = new ExampleBackend[1];
    return vertx.createHttpServer()
        .requestHandler(request -> self[0].handle(request))
        .listen(port, host)
        .map(server -> {
          self[0] = new ExampleBackend(secret, server, new ExampleSessionStarter(vertx));
          LOG.info("[example-backend] an EXAMPLE app backend for the demo is on {}:{} (the demo's sessions, "
              + "webhooks and the lookup_topic tool); set VOXRELAY_EXAMPLE_BACKEND=false or your own URLs to leave "
              + "it out", host, server.actualPort());
          return self[0];
        });
  }

  /** The settings that point the services at this example (as defaults: a value set in the env wins). */
  Map<String, String> settings() {
    String base = "http://127.0.0.1:" + server.actualPort();
    return Map.of("VOXRELAY_WEBHOOK_URL", base + "/webhooks", "VOXRELAY_WEBHOOK_SECRET", secret,
        "VOXRELAY_TOOL_URL", base + "/tools", "VOXRELAY_TOOL_SECRET", secret, "VOXRELAY_DEMO_BACKEND_URL", base);
  }

  /** The gateway the demo's sessions are created at, once it listens, with the API key. */
  void useGateway(String gatewayUrl, io.voxrelay.common.config.Secret apiKey) {
    sessions.useGateway(gatewayUrl, apiKey);
  }

  private void handle(HttpServerRequest request) {
    if (ExampleSessionStarter.PATH.equals(request.path()) && request.method() == io.vertx.core.http.HttpMethod.POST) {
      sessions.start(request);
      return;
    }
    request.body().onSuccess(body -> {
      if (!Signatures.verify(secret, request.getHeader(Signatures.HEADER), body.getBytes(),
          System.currentTimeMillis() / 1000)) {
        request.response().setStatusCode(400).end();
        return;
      }
      JsonNode event;
      try {
        event = Json.parse(body.getBytes());
      } catch (Json.InvalidJsonException e) {
        request.response().setStatusCode(400).end();
        return;
      }
      if ("/webhooks".equals(request.path())) {
        LOG.info("[example-backend] webhook {} for {}", LogSafe.text(event.path("type").asText()),
            LogSafe.text(event.path("sessionId").asText()));
        request.response().setStatusCode(204).end();
      } else if ("/tools".equals(request.path()) && TOOL.equals(event.path("name").asText())) {
        request.response().putHeader("Content-Type", "application/json")
            .end(Json.write(Json.object().put("output", topicOf(event.path("arguments").path("question").asText("")))));
      } else {
        request.response().setStatusCode(404).end();
      }
    });
  }

  /** What a question is about, from a word in it. */
  static String topicOf(String question) {
    String lower = question.toLowerCase(java.util.Locale.ROOT);
    for (Map.Entry<String, String> topic : TOPICS.entrySet()) {
      if (lower.contains(topic.getKey())) {
        return "The next question is about " + topic.getValue() + ".";
      }
    }
    return "The next question is about your experience in general.";
  }

  Future<Void> close() {
    return server.close();
  }
}
