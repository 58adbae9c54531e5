package io.voxrelay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.bus.Spend;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.DescribeSession;
import io.voxrelay.common.bus.DeleteSession;
import io.voxrelay.common.bus.EndSession;
import io.voxrelay.common.bus.ListSessions;
import io.voxrelay.common.bus.SessionList;
import io.voxrelay.common.bus.SessionStatus;
import io.voxrelay.common.bus.UpdateSession;
import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.BudgetRules;
import io.voxrelay.common.protocol.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * The session API beyond creation, for the app's backend (same credentials as {@code POST /v1/sessions}):
 * {@code GET /v1/sessions/{id}}, {@code GET /v1/sessions?state=…}, {@code PATCH /v1/sessions/{id}} and
 * {@code POST /v1/sessions/{id}/end}, {@code DELETE /v1/sessions/{id}}. The routes have checked the credentials and the session id's form.
 */
final class SessionManagementApi {

  /** The largest PATCH body: room for the largest metadata, escaped. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** The largest metadata object, as stored (compact JSON). */
  static final int MAX_METADATA_CHARS = 16 * 1024;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  /** The longest list cursor this API hands out (a time and a session id). */
  private static final int MAX_CURSOR_CHARS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(SessionManagementApi.class);

  private final Vertx vertx;
  private final DeliveryOptions busOptions;

  SessionManagementApi(Vertx vertx, long busTimeoutMs) {
    this.vertx = vertx;
    this.busOptions = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  void get(RoutingContext ctx) {
    answer(ctx, "reading a session", BusRequests.<SessionStatus>requestService(vertx, Addresses.SESSION_DESCRIBE,
        new DescribeSession(ctx.pathParam("sessionId")), busOptions), s -> status(s));
  }

  void list(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    if (state != null && SessionState.parse(state).isEmpty()) {
      HttpErrors.send(ctx, 400, "invalid_request",
          "'state' must be one of live, awaiting_resume, terminated, ended");
      return;
    }
    String before = ctx.request().getParam("before");
    if (before != null && (before.isEmpty() || before.length() > MAX_CURSOR_CHARS)) {
      HttpErrors.send(ctx, 400, "invalid_request", "'before' must be a cursor from a previous page");
      return;
    }
    int limit;
    try {
      limit = (int) TranscriptApi.parameter(ctx, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    answer(ctx, "listing sessions", BusRequests.<SessionList>requestService(vertx, Addresses.SESSION_LIST,
        new ListSessions(state, before, limit), busOptions), page -> {
          ObjectNode body = Json.object();
          var sessions = body.putArray("sessions");
          page.sessions().forEach(s -> sessions.add(status(s)));
          if (page.next() != null) {
            body.put("nextBefore", page.next());
          } else {
            body.putNull("nextBefore");
          }
          return body;
        });
  }

  void update(RoutingContext ctx) {
    UpdateSession update;
    try {
      update = parseUpdate(ctx.pathParam("sessionId"),
          ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    answer(ctx, "updating a session", BusRequests.<SessionStatus>request(vertx, Addresses.SESSION_UPDATE, update,
        busOptions), s -> status(s));
  }

  /**
   * {@code DELETE /v1/sessions/{id}}: the session ends if it is live, then every stored row of it is erased;
   * {@code 204}, or {@code 404} for no session (also one erased before).
   */
  void delete(RoutingContext ctx) {
    answer(ctx, "erasing a session", BusRequests.<Void>request(vertx, Addresses.SESSION_DELETE,
        new DeleteSession(ctx.pathParam("sessionId")), busOptions), null);
  }

  void end(RoutingContext ctx) {
    answer(ctx, "ending a session", BusRequests.<SessionStatus>request(vertx, Addresses.SESSION_END,
        new EndSession(ctx.pathParam("sessionId")), busOptions), s -> status(s));
  }

  /**
   * A PATCH body: {@code {"metadata": {...} | null, "limits": {...} | null}}, either or both (a field left out
   * stays as it is).
   */
  static UpdateSession parseUpdate(String sessionId, byte[] body) {
    JsonNode node;
    try {
      node = Json.parse(body);
    } catch (Json.InvalidJsonException e) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("metadata") && !name.equals("limits")) {
        throw new IllegalArgumentException("'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
            + "' is not a field of a session this route changes (it changes 'metadata' and 'limits')");
      }
    }
    JsonNode metadata = node.get("metadata");
    JsonNode limits = node.get("limits");
    if (metadata == null && limits == null) {
      throw new IllegalArgumentException("nothing to change: send 'metadata' (an object, or null to remove it) "
          + "or 'limits'");
    }
    return new UpdateSession(sessionId, metadata != null, metadata == null ? null : metadataText(metadata),
        limits != null, BudgetRules.parse(limits));
  }

  private static String metadataText(JsonNode metadata) {
    if (metadata.isNull()) {
      return null;
    }
    if (!metadata.isObject()) {
      throw new IllegalArgumentException("'metadata' must be a JSON object or null");
    }
    String text = Json.write(metadata);
    if (text.length() > MAX_METADATA_CHARS) {
      throw new IllegalArgumentException("'metadata' is larger than " + MAX_METADATA_CHARS + " characters");
    }
    return text;
  }

  /** A session as the API shows it. */
  static ObjectNode status(SessionStatus s) {
    ObjectNode body = Json.object()
        .put("sessionId", s.sessionId())
        .put("state", s.state())
        .put("currentQuestionIndex", s.currentQuestionIndex())
        .put("questionCount", s.questionCount())
        .put("paused", s.paused())
        .put("textOnly", s.textOnly());
    if (s.terminationReason() != null) {
      body.put("terminationReason", s.terminationReason());
    } else {
      body.putNull("terminationReason");
    }
    body.putObject("connection").put("clientConnected", s.clientConnected()).put("upstreamOpen", s.upstreamOpen())
        .put("upstreamFailures", s.upstreamFailures()).put("connections", s.connections());
    body.putObject("times").put("createdAt", s.createdAt()).put("startedAt", s.startedAt())
        .put("lastHeartbeatAt", s.lastHeartbeatAt()).put("lastActivityAt", s.lastActivityAt());
    ObjectNode limits = body.putObject("limits");
    putLimit(limits, "maxTotalTokens", s.limits().maxTotalTokens());
    putLimit(limits, "maxOutputTokens", s.limits().maxOutputTokens());
    putLimit(limits, "maxUpstreamSeconds", s.limits().maxUpstreamSeconds());
    if (s.limits().maxCostUsd() == null) {
      limits.putNull("maxCostUsd");
    } else {
      limits.put("maxCostUsd", s.limits().maxCostUsd());
    }
    Usage usage = s.usage();
    Spend spend = new Spend(usage, s.upstreamMs(), s.costUsd());
    body.put("budgetExceeded", s.limits().exceededBy(spend));
    body.putObject("usage").put("inputTokens", usage.inputTokens()).put("outputTokens", usage.outputTokens())
        .put("totalTokens", usage.totalTokens()).put("cachedTokens", usage.cachedTokens())
        .put("inputTextTokens", usage.inputTextTokens()).put("inputAudioTokens", usage.inputAudioTokens())
        .put("outputTextTokens", usage.outputTextTokens()).put("outputAudioTokens", usage.outputAudioTokens())
        .put("upstreamSeconds", s.upstreamMs() / 1000.0);
    if (s.costUsd() == null) {
      ((ObjectNode) body.get("usage")).putNull("costUsd");
    } else {
      ((ObjectNode) body.get("usage")).put("costUsd", Math.round(s.costUsd() * 1_000_000) / 1_000_000.0);
    }
    if (s.metadata() != null) {
      body.set("metadata", Json.parse(s.metadata()));
    } else {
      body.putNull("metadata");
    }
    return body;
  }

  private static void putLimit(ObjectNode limits, String field, Long value) {
    if (value == null) {
      limits.putNull(field);
    } else {
      limits.put(field, value);
    }
  }

  private <T> void answer(RoutingContext ctx, String what, Future<Message<T>> request,
                          java.util.function.Function<T, ObjectNode> render) {
    request.onSuccess(reply -> {
          if (render == null) {
            ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
          } else {
            ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(Json.write(render.apply(reply.body())));
          }
        })
        .onFailure(e -> {
          if (BusFailure.is(e, BusFailure.NOT_FOUND)) {
            HttpErrors.send(ctx, 404, "not_found", "no such session");
          } else if (BusFailure.is(e, BusFailure.BAD_REQUEST)) {
            HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
          } else {
            LOG.warn("[Gateway] {} failed: {}", what, e.getMessage());
            HttpErrors.send(ctx, 503, "unavailable", "the session service did not answer; try again");
          }
        });
  }
}
