package io.voxrelay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.BudgetRules;
import io.voxrelay.common.protocol.ToolRules;
import io.voxrelay.common.protocol.UpstreamOptionRules;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/sessions}: creates a session for a server-side caller and returns its client token. */
final class SessionsApi {

  /**
   * The largest body: the documented maxima (20 000 characters of instructions, 100 questions of 2 000) even
   * if every character is written as a six-byte JSON escape, with room for the keys and punctuation.
   */
  static final int MAX_BODY_BYTES = 1536 * 1024;
  static final int MAX_INSTRUCTIONS_CHARS = 20_000;
  static final int MAX_QUESTIONS = 100;
  static final int MAX_QUESTION_CHARS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(SessionsApi.class);

  private final Vertx vertx;
  private final DeliveryOptions busOptions;

  SessionsApi(Vertx vertx, long busTimeoutMs) {
    this.vertx = vertx;
    this.busOptions = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  /** Creates a session; the route has checked the credentials and the content type already. */
  void create(RoutingContext ctx) {
    CreateSession request;
    try {
      request = parse(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    BusRequests.<SessionCreated>request(vertx, Addresses.SESSION_CREATE, request, busOptions)
        .onSuccess(reply -> {
          SessionCreated created = reply.body();
          var body = Json.object()
              .put("sessionId", created.sessionId())
              .put("token", created.token())
              .put("websocketPath", "/v1/sessions/" + created.sessionId() + "/ws");
          ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-store").end(Json.write(body));
        })
        .onFailure(e -> {
          if (BusFailure.is(e, BusFailure.BAD_REQUEST)) {
            // Refused by the session service's own rules (e.g. a cost limit without a price table).
            HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
            return;
          }
          LOG.warn("[Gateway] session creation failed: {}", e.getMessage());
          HttpErrors.send(ctx, 503, "unavailable", "the session service did not answer; try again");
        });
  }

  static CreateSession parse(byte[] body) {
    if (body.length == 0) {
      return new CreateSession("", List.of());
    }
    JsonNode node;
    try {
      node = Json.parse(body);
    } catch (Json.InvalidJsonException e) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    JsonNode instructions = node.path("instructions");
    if (!instructions.isMissingNode() && !instructions.isNull() && !instructions.isTextual()) {
      throw new IllegalArgumentException("'instructions' must be a string");
    }
    String text = instructions.isTextual() ? instructions.asText() : "";
    if (text.length() > MAX_INSTRUCTIONS_CHARS) {
      throw new IllegalArgumentException("'instructions' is longer than " + MAX_INSTRUCTIONS_CHARS + " characters");
    }
    JsonNode questions = node.path("questions");
    List<String> list = new ArrayList<>();
    if (!questions.isMissingNode() && !questions.isNull()) {
      if (!questions.isArray()) {
        throw new IllegalArgumentException("'questions' must be an array of strings");
      }
      if (questions.size() > MAX_QUESTIONS) {
        throw new IllegalArgumentException("at most " + MAX_QUESTIONS + " questions");
      }
      for (JsonNode q : questions) {
        if (!q.isTextual() || q.asText().isBlank()) {
          throw new IllegalArgumentException("'questions' must be an array of non-empty strings");
        }
        if (q.asText().length() > MAX_QUESTION_CHARS) {
          throw new IllegalArgumentException("a question is longer than " + MAX_QUESTION_CHARS + " characters");
        }
        list.add(q.asText());
      }
    }
    return new CreateSession(text, list, ToolRules.parse(node.get("tools"), node.get("toolChoice")),
        UpstreamOptionRules.parse(node.get("upstream")), BudgetRules.parse(node.get("limits")));
  }
}
