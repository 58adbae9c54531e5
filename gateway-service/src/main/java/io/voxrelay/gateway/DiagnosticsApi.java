package io.voxrelay.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.text.LogSafe;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/sessions/{id}/diagnostics}: a browser's report of an unexpected disconnect, usually sent by
 * {@code navigator.sendBeacon} while the page goes away (seed 002, findings 2 and 6). It accepts
 * {@code application/json} (a JSON Blob) and {@code text/plain} (a string beacon), checks the session, limits
 * size and rate, and logs a few known fields, truncated: never the raw address or user agent unless an
 * operator turned the debug mode on.
 */
final class DiagnosticsApi {

  static final int MAX_BODY_BYTES = 4 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DiagnosticsApi.class);

  private final Vertx vertx;
  private final ClientAddresses addresses;
  private final SlidingWindowLimiter perAddress;
  private final SlidingWindowLimiter perSession;
  private final boolean debug;
  private final DeliveryOptions busOptions;

  DiagnosticsApi(Vertx vertx, ClientAddresses addresses, SlidingWindowLimiter perAddress,
                 SlidingWindowLimiter perSession, boolean debug, long busTimeoutMs) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.perAddress = perAddress;
    this.perSession = perSession;
    this.debug = debug;
    this.busOptions = new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  void report(RoutingContext ctx) {
    String sessionId = ctx.pathParam("sessionId");
    String address = addresses.clientOf(ctx.request().remoteAddress(), ctx.request().headers());
    if (!perAddress.allows(address) || !perSession.allows(sessionId)) {
      HttpErrors.send(ctx, 429, "too_many_requests", "too many reports; try again later");
      return;
    }
    perAddress.record(address);
    perSession.record(sessionId);
    JsonNode report;
    try {
      report = Json.parse(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (Json.InvalidJsonException e) {
      HttpErrors.send(ctx, 400, "invalid_request", "the report must be a JSON object");
      return;
    }
    if (report == null || !report.isObject()) {
      HttpErrors.send(ctx, 400, "invalid_request", "the report must be a JSON object");
      return;
    }
    String userAgent = ctx.request().getHeader("User-Agent");
    BusRequests.<SessionSnapshot>requestService(vertx, Addresses.SESSION_GET, new GetSession(sessionId), busOptions)
        .onSuccess(session -> {
          if (debug) {
            LOG.info("[Diagnostics] disconnect report for {}: code={}, reason={}, state={}, online={}, visibility={}, "
                    + "address={}, userAgent={}", sessionId, field(report, "code"), field(report, "reason"),
                field(report, "state"), field(report, "online"), field(report, "visibility"), address,
                LogSafe.text(userAgent));
          } else {
            LOG.info("[Diagnostics] disconnect report for {}: code={}, reason={}, state={}, online={}, visibility={}",
                sessionId, field(report, "code"), field(report, "reason"), field(report, "state"),
                field(report, "online"), field(report, "visibility"));
          }
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(e -> HttpErrors.send(ctx, 404, "not_found", "no such session"));
  }

  private static String field(JsonNode report, String name) {
    JsonNode value = report.get(name);
    return value == null || value.isContainerNode() ? "-" : LogSafe.text(value.asText());
  }
}
