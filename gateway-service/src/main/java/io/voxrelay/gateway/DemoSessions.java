package io.voxrelay.gateway;

import io.voxrelay.common.webhook.BoundedExchange;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * {@code POST /demo/sessions}: the demo page asks the app's backend ({@code VOXRELAY_DEMO_BACKEND_URL}) for a
 * session, as a real app's page asks its own backend. The backend holds the API key and creates the session
 * with it; the page gets the session id and its resume token, never the key. The gateway only forwards: the
 * request without a body, the answer as it came (bounded), within {@link #deadlineMs}.
 */
final class DemoSessions {

  static final String PATH = "/demo/sessions";
  private static final Logger LOG = LoggerFactory.getLogger(DemoSessions.class);
  private static final int MAX_REPLY_BYTES = 16 * 1024;
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final HttpClient http;
  private final String target;
  private final long deadlineMs;

  DemoSessions(Vertx vertx, String backendUrl, long deadlineMs) {
    this.vertx = vertx;
    this.target = backendUrl.replaceAll("/+$", "") + PATH;
    this.deadlineMs = deadlineMs;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) deadlineMs));
  }

  /**
   * How long the forward may take: the backend's own call to {@code POST /v1/sessions} (which waits up to one
   * bus timeout for the session service), and the backend's time around it: three bus timeouts.
   */
  static long deadlineMs(long busTimeoutMs) {
    return 3 * busTimeoutMs;
  }

  void create(RoutingContext ctx) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target)
        .putHeader("Content-Type", "application/json");
    BoundedExchange.start(vertx, http, options, EMPTY_JSON, deadlineMs, MAX_REPLY_BYTES).reply()
        .onSuccess(reply -> {
          if (reply.oversize() || reply.status() >= 500) {
            unavailable(ctx, "answered " + reply.status() + (reply.oversize() ? ", too long" : ""));
            return;
          }
          ctx.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-store").end(reply.body());
        })
        .onFailure(e -> unavailable(ctx, e.toString()));
  }

  private static void unavailable(RoutingContext ctx, String why) {
    LOG.warn("[Gateway] the demo's backend gave no session: {}", why);
    HttpErrors.send(ctx, 502, "demo_backend_unavailable", "the demo's backend could not create a session");
  }
}
