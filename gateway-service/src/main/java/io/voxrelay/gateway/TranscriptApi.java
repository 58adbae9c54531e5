package io.voxrelay.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.GetTranscript;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/sessions/{id}/transcript?after=N&limit=M}: a page of a session's whole history, for the
 * app's backend (same credentials as {@code POST /v1/sessions}).
 */
final class TranscriptApi {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private static final Logger LOG = LoggerFactory.getLogger(TranscriptApi.class);

  private final Vertx vertx;
  private final DeliveryOptions busOptions;

  TranscriptApi(Vertx vertx, long busTimeoutMs) {
    this.vertx = vertx;
    this.busOptions = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  /** A page of the transcript; the route has checked the credentials and the session id's form already. */
  void get(RoutingContext ctx) {
    long after;
    int limit;
    try {
      after = parameter(ctx, "after", 0, Long.MAX_VALUE, 0);
      limit = (int) parameter(ctx, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    String sessionId = ctx.pathParam("sessionId");
    BusRequests.<TranscriptPage>requestService(vertx, Addresses.SESSION_TRANSCRIPT, new GetTranscript(sessionId, after, limit), busOptions)
        .onSuccess(reply -> {
          TranscriptPage page = reply.body();
          ObjectNode body = Json.object().put("sessionId", sessionId);
          ArrayNode turns = body.putArray("turns");
          long position = page.afterPosition();
          for (Turn turn : page.turns()) {
            ObjectNode shown = turns.addObject().put("position", ++position).put("itemId", turn.itemId())
                .put("role", turn.role()).put("text", turn.text());
            if (turn.truncated()) {
              shown.put("interrupted", true).put("playedMs", turn.playedMs());
            }
          }
          if (page.more()) {
            body.put("nextAfter", position);
          } else {
            body.putNull("nextAfter");
          }
          ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
              .end(Json.write(body));
        })
        .onFailure(e -> {
          if (BusFailure.is(e, BusFailure.NOT_FOUND)) {
            HttpErrors.send(ctx, 404, "not_found", "no such session");
          } else {
            LOG.warn("[Gateway] reading a transcript failed: {}", e.getMessage());
            HttpErrors.send(ctx, 503, "unavailable", "the session service did not answer; try again");
          }
        });
  }

  static long parameter(RoutingContext ctx, String name, long min, long max, long otherwise) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return otherwise;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + name + "' must be a whole number from " + min + " to " + max);
    }
  }
}
