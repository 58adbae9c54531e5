package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.config.SimulatorConfig;
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
 * A local stand-in for the OpenAI Realtime API (GA): a WebSocket server at {@code /v1/realtime}. Tests
 * inspect what each session received through {@link #sessions()} in-process, or {@code GET /_sim/sessions}
 * from another process, and inject faults per test.
 */
public final class UpstreamSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSimulator.class);

  private final SimulatorConfig config;
  private final List<SimulatedSession> sessions = new CopyOnWriteArrayList<>();
  private final AtomicInteger handshakesToRefuse = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong handshakeDelayMs = new java.util.concurrent.atomic.AtomicLong();
  private HttpServer server;

  public UpstreamSimulator(SimulatorConfig config) {
    this.config = config;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /** The WebSocket URL a relay should use, without the model query. */
  public String url() {
    return "ws://" + config.host() + ":" + port() + "/v1/realtime";
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

  /** Every later handshake is answered only after {@code millis}, as a slow or distant upstream would. */
  public void delayHandshakes(long millis) {
    handshakeDelayMs.set(millis);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/v1/realtime").handler(ctx -> {
      long delay = handshakeDelayMs.get();
      if (delay > 0) {
        ctx.request().pause();
        vertx.setTimer(delay, t -> {
          ctx.request().resume();
          handshake(ctx);
        });
      } else {
        handshake(ctx);
      }
    });
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

  private void handshake(RoutingContext ctx) {
    String model = ctx.request().getParam("model");
    if (handshakesToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
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
    String auth = ctx.request().getHeader("Authorization");
    boolean authorized = auth != null && auth.startsWith("Bearer ") && auth.length() > 7;
    var connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> {
      SimulatedSession session = new SimulatedSession(vertx, ws, connection, config, model, authorized);
      sessions.add(session);
      forgetOldClosedSessions();
      session.start();
      LOG.info("[Simulator] session {} opened (model {})", session.id(), model);
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
      ObjectNode node = list.addObject().put("id", s.id()).put("model", s.model()).put("open", s.isOpen())
          .put("authorized", s.authorized()).put("audioBytesReceived", s.audioBytesReceived())
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
