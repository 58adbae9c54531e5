package io.voxrelay.gateway;

import io.voxrelay.common.json.Json;
import io.vertx.ext.web.RoutingContext;

/** JSON error bodies of the HTTP API: {@code {"error": code, "message": text}}. */
final class HttpErrors {

  private HttpErrors() {
  }

  static void send(RoutingContext ctx, int status, String code, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(Json.write(Json.object().put("error", code).put("message", message)));
  }
}
