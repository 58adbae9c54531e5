package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the OpenAI Realtime API (GA): a WebSocket server at {@code /v1/realtime} as OpenAI, and at
 * {@code /openai/v1/realtime} as Azure OpenAI (the same protocol; an {@code api-key} header, no
 * {@code api-version}, 30-minute sessions). Tests inspect what each session received through {@link #sessions()}
 * in-process, or {@code GET /_sim/sessions} from another process, and inject faults per test.
 */
public final class UpstreamSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSimulator.class);

  private final SimulatorConfig config;
  private final List<SimulatedSession> sessions = new CopyOnWriteArrayList<>();
  private final AtomicInteger handshakesToRefuse = new AtomicInteger();
  private final java.util.Set<UpstreamProvider> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong handshakeDelayMs = new java.util.concurrent.atomic.AtomicLong();
  private HttpServer server;

  public UpstreamSimulator(SimulatorConfig config) {
    this.config = config;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /** The path Azure OpenAI serves its GA Realtime API at (after its resource's host). */
  public static final String AZURE_PATH = "/openai/v1/realtime";

  /** The WebSocket URL a relay should use, without the model query. */
  public String url() {
    return url(UpstreamProvider.OPENAI);
  }

  /** The WebSocket URL a relay at {@code provider} should use, without the model query. */
  public String url(UpstreamProvider provider) {
    return "ws://" + config.host() + ":" + port() + switch (provider) {
      case OPENAI -> "/v1/realtime";
      case AZURE -> AZURE_PATH;
    };
  }

  /**
   * Every session since start, oldest first, but at most {@link SimulatorConfig#recordedSessions()} of them:
   * past that, the oldest closed ones are forgotten, so a long-running simulator stays bounded.
   */
  public List<SimulatedSession> sessions() {
    return List.copyOf(sessions);
  }

  public List<SimulatedSession> openSessions() {
    return sessions.stream().filter(SimulatedSession::isOpen).toList();
  }

  /** The next {@code count} handshakes are refused with HTTP 503. */
  public void refuseHandshakes(int count) {
    handshakesToRefuse.set(count);
  }

  /**
   * An outage of {@code provider}: its path refuses every upgrade with 503 and each of its open sessions closes
   * with 1011, until {@link #endOutage}. The other provider's path goes on serving.
   */
  public void outage(UpstreamProvider provider) {
    down.add(provider);
    for (SimulatedSession session : openSessions()) {
      if (session.provider() == provider) {
        session.drop();
      }
    }
  }

  public void endOutage(UpstreamProvider provider) {
    down.remove(provider);
  }

  /** Every later handshake is answered only after {@code millis}, as a slow or distant upstream would. */
  public void delayHandshakes(long millis) {
    handshakeDelayMs.set(millis);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/v1/realtime").handler(ctx -> afterDelay(ctx, UpstreamProvider.OPENAI));
    router.get(AZURE_PATH).handler(ctx -> afterDelay(ctx, UpstreamProvider.AZURE));
    router.get("/_sim/sessions").handler(this::inspect);
    server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
        .setHost(config.host()).setPort(config.port())
        .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(4 << 20));
    return server.requestHandler(router).listen()
        .onSuccess(s -> LOG.info("[Simulator] Realtime simulator listening on {}", url()));
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  private void afterDelay(RoutingContext ctx, UpstreamProvider provider) {
    long delay = handshakeDelayMs.get();
    if (delay > 0) {
      ctx.request().pause();
      vertx.setTimer(delay, t -> {
        ctx.request().resume();
        handshake(ctx, provider);
      });
    } else {
      handshake(ctx, provider);
    }
  }

  private void handshake(RoutingContext ctx, UpstreamProvider provider) {
    String model = ctx.request().getParam("model");
    if (down.contains(provider) || handshakesToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ctx.response().setStatusCode(503).end("{\"error\":{\"message\":\"simulated outage\"}}");
      return;
    }
    if (model == null || model.isBlank()) {
      ctx.response().setStatusCode(400).end("{\"error\":{\"message\":\"Missing required parameter: 'model'.\"}}");
      return;
    }
    if (ctx.request().getHeader("OpenAI-Beta") != null) {
      // The GA interface takes no beta header; catching it here keeps the relay honest.
      ctx.response().setStatusCode(400).end("{\"error\":{\"message\":\"This simulator speaks the GA interface only.\"}}");
      return;
    }
    if (provider == UpstreamProvider.AZURE && ctx.request().getParam("api-version") != null) {
      // Azure's v1 path refuses the preview API's version parameter.
      ctx.response().setStatusCode(401).end("{\"error\":{\"message\":\"api-version is not allowed on the v1 path.\"}}");
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    boolean bearer = auth != null && auth.startsWith("Bearer ") && auth.length() > 7;
    String apiKey = ctx.request().getHeader("api-key");
    // Azure takes its api-key header (or an Entra bearer token); OpenAI only a bearer key.
    String credential = bearer ? "bearer"
        : provider == UpstreamProvider.AZURE && apiKey != null && !apiKey.isBlank() ? "api-key" : "none";
    var connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> {
      SimulatedSession session = new SimulatedSession(vertx, ws, connection, config, provider, model, credential);
      sessions.add(session);
      forgetOldClosedSessions();
      session.start();
      LOG.info("[Simulator] {} session {} opened (model {})", provider.wireName(), session.id(), model);
    });
  }

  private void forgetOldClosedSessions() {
    int excess = sessions.size() - config.recordedSessions();
    for (SimulatedSession old : sessions) {
      if (excess <= 0) {
        break;
      }
      if (!old.isOpen() && sessions.remove(old)) {
        excess--;
      }
    }
  }

  private void inspect(RoutingContext ctx) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (SimulatedSession s : sessions) {
      ObjectNode node = list.addObject().put("id", s.id()).put("provider", s.provider().wireName())
          .put("model", s.model()).put("open", s.isOpen())
          .put("authorized", s.authorized()).put("credential", s.credential()).put("audioBytesReceived", s.audioBytesReceived())
          .put("responsesCreated", s.responsesCreated());
      ArrayNode items = node.putArray("items");
      s.items().forEach(i -> items.addObject().put("id", i.id()).put("role", i.role())
          .put("contentType", i.contentType()).put("text", i.text()));
      ArrayNode types = node.putArray("receivedTypes");
      s.receivedTypes().forEach(types::add);
    }
    ctx.response().putHeader("Content-Type", "application/json").end(Json.write(list));
  }
}
