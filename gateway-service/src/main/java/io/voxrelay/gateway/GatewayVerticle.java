package io.voxrelay.gateway;

import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.ClientHeartbeats;
import io.voxrelay.common.bus.ConnectionReplaced;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.GatewayCommand;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.bus.NotHeld;
import io.voxrelay.common.bus.RelayLeaving;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.cluster.NodeIds;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.management.Telemetry;
import io.voxrelay.common.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway service: terminates client WebSockets, serves the HTTP API and the web client. Events for its
 * clients arrive on this instance's node address and are written to the matching socket.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Largest client frame: a 2 s audio chunk in base64 plus JSON framing fits. */
  static final int MAX_WS_MESSAGE_BYTES = 256 * 1024;
  /** Activity is reported at most this often: one message a second, not one per frame or session. */
  static final long ACTIVITY_REPORT_MS = 1_000;

  private final GatewayConfig config;
  private final String nodeId = NodeIds.next("gateway");
  private final ClientRegistry clients = new ClientRegistry();
  private final GatewayLimits limits;
  private final ClientAddresses addresses;
  private final BrowserOrigins origins;
  private final ActivityAccumulator activity = new ActivityAccumulator();
  private HttpServer server;
  private LiveRelayView relays;
  /** Clients' audio to relays, bounded per relay ({@link LiveSenders}); confined to this instance's event loop. */
  private LiveSenders toRelays;

  public GatewayVerticle() {
    this(GatewayConfig.fromEnv(Env.system()));
  }

  public GatewayVerticle(GatewayConfig config) {
    this(config, GatewayLimits.of(config));
  }

  private GatewayVerticle(GatewayConfig config, GatewayLimits limits) {
    this.config = config;
    this.limits = limits;
    this.addresses = ClientAddresses.trusting(config.trustedProxies());
    this.origins = BrowserOrigins.of(config.allowedOrigins());
  }

  /**
   * Makes the gateway instances of one process: they share the HTTP port (Vert.x spreads connections over
   * them) and the per-process limits, and nothing else.
   */
  public static Supplier<GatewayVerticle> instances(GatewayConfig config) {
    GatewayLimits shared = GatewayLimits.of(config);
    // Port 0 would give each instance a free port of its own; a negative port makes Vert.x share one.
    GatewayConfig sharedPort = config.httpPort() == 0 ? config.withHttpPort(-1) : config;
    return () -> new GatewayVerticle(sharedPort, shared);
  }

  /** The HTTP port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    relays = new LiveRelayView(vertx, config.busTimeoutMs(), () -> System.nanoTime() / 1_000_000);
    toRelays = new LiveSenders(vertx, GatewayMetrics.of(vertx).audioDroppedIn::increment);
    ApiKeyCheck apiKeyCheck;
    try {
      apiKeyCheck = new ApiKeyCheck(config.requiredApiKey());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    SessionsApi sessionsApi = new SessionsApi(vertx, config.busTimeoutMs());
    TranscriptApi transcriptApi = new TranscriptApi(vertx, config.busTimeoutMs());
    SessionManagementApi managementApi = new SessionManagementApi(vertx, config.busTimeoutMs());
    DiagnosticsApi diagnostics = new DiagnosticsApi(vertx, addresses, limits.diagnosticsPerAddress(),
        limits.diagnosticsPerSession(), config.diagnosticsDebug(), config.busTimeoutMs());

    // Every check that needs no body runs before the body is read; bodies are bounded and never files. (Vert.x
    // runs a body handler before any other on its route: the checks are a route of their own, first.)
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.post("/v1/sessions").handler(HttpGuards.credentials(apiKeyCheck)).handler(HttpGuards.jsonBody(false));
    router.post("/v1/sessions").handler(HttpGuards.body(SessionsApi.MAX_BODY_BYTES)).handler(sessionsApi::create);
    router.get("/v1/sessions/:sessionId/ws").handler(HttpGuards.sessionIdForm()).handler(HttpGuards.origin(origins))
        .handler(this::upgrade);
    router.get("/v1/sessions/:sessionId/transcript").handler(HttpGuards.credentials(apiKeyCheck))
        .handler(HttpGuards.sessionIdForm()).handler(transcriptApi::get);
    router.get("/v1/sessions").handler(HttpGuards.credentials(apiKeyCheck)).handler(managementApi::list);
    router.get("/v1/sessions/:sessionId").handler(HttpGuards.credentials(apiKeyCheck))
        .handler(HttpGuards.sessionIdForm()).handler(managementApi::get);
    router.patch("/v1/sessions/:sessionId").handler(HttpGuards.credentials(apiKeyCheck))
        .handler(HttpGuards.sessionIdForm()).handler(HttpGuards.jsonBody(false));
    router.patch("/v1/sessions/:sessionId").handler(HttpGuards.body(SessionManagementApi.MAX_BODY_BYTES))
        .handler(managementApi::update);
    router.delete("/v1/sessions/:sessionId").handler(HttpGuards.credentials(apiKeyCheck))
        .handler(HttpGuards.sessionIdForm()).handler(managementApi::delete);
    router.post("/v1/sessions/:sessionId/end").handler(HttpGuards.credentials(apiKeyCheck))
        .handler(HttpGuards.sessionIdForm()).handler(managementApi::end);
    router.post("/v1/sessions/:sessionId/diagnostics").handler(HttpGuards.sessionIdForm())
        .handler(HttpGuards.origin(origins)).handler(HttpGuards.jsonBody(true));
    router.post("/v1/sessions/:sessionId/diagnostics").handler(HttpGuards.body(DiagnosticsApi.MAX_BODY_BYTES))
        .handler(diagnostics::report);
    config.demoBackendUrl().ifPresent(url -> router.post(DemoSessions.PATH).handler(HttpGuards.origin(origins))
        .handler(new DemoSessions(vertx, url, DemoSessions.deadlineMs(config.busTimeoutMs()))::create));
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(HttpGuards::failure);
    for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500, 501, 503}) {
      router.errorHandler(status, HttpGuards::failure);
    }

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        .setMaxWebSocketFrameSize(MAX_WS_MESSAGE_BYTES)
        .setMaxWebSocketMessageSize(MAX_WS_MESSAGE_BYTES)
        // No WebSocket compression: a deflated frame would be inflated before the frame limit is checked (a
        // 200 KB bomb inflates to 200 MB on the event loop). Declined, a compressed frame is a protocol
        // error (1002). Audio is base64 PCM, which deflate barely shrinks.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // A connection silent this long is cut (a slow request, an abandoned keep-alive); it is never shorter
        // than the heartbeat timeout, so a heartbeating WebSocket is never cut by it.
        .setIdleTimeout((int) config.httpIdleTimeoutMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // Every response is written on its connection's event loop (bus replies and timers complete there), so
        // a connection needs no queue for writes from other threads: about 4 KiB less per connected client,
        // whose upgraded request stays referenced for the socket's life (bench/REPORT.md, idle sessions).
        .setStrictThreadMode(true));
    vertx.setPeriodic(ACTIVITY_REPORT_MS, t -> reportActivity());
    relays.start(this::moveOffLapsedRelays);
    // Proxies given by name: looked up now and from time to time. The start does not wait (a load balancer
    // usually starts after its gateways); until its name resolves, its clients count as its own address.
    TrustedProxies proxies = addresses.trusted();
    if (proxies.hasNames()) {
      proxies.refresh(vertx, TrustedProxies.DNS);
      vertx.setPeriodic(TrustedProxies.REFRESH_MS, t -> proxies.refresh(vertx, TrustedProxies.DNS));
    }
    return vertx.eventBus().<GatewayCommand>consumer(Addresses.gatewayNode(nodeId), this::onCommand)
        .completion()
        .compose(v -> server.requestHandler(router).listen())
        .onSuccess(s -> LOG.info("[Gateway] Started {} on http://{}:{}", nodeId, config.httpHost(), s.actualPort()));
  }

  private static final String HEALTH_UP = "{\"status\":\"UP\"}";
  private static final String HEALTH_DOWN = "{\"status\":\"DOWN\"}";
  /** Set when {@link #stop} begins: the public health check says DOWN from then on. */
  private volatile boolean stopping;

  /** Past the clients' own drain (one bus timeout), the time their close frames take to go out. */
  private static final long SHUTDOWN_SLACK_MS = 1_000;

  @Override
  public Future<?> stop() {
    // In Vert.x's order: readiness DOWN (load balancers stop sending clients here), the last heartbeats and
    // acknowledgements out, then the HTTP server's shutdown: it takes no new connection, and each client's
    // shutdown handler stores its events in flight and tells it to reconnect elsewhere with 1012
    // (ClientConnection), within the wait. Whoever is left after it is told the same.
    stopping = true;
    Telemetry.of(vertx).drain();
    reportActivity();
    Future<Void> shutdown = server == null ? Future.succeededFuture()
        : server.shutdown(config.busTimeoutMs() + SHUTDOWN_SLACK_MS, TimeUnit.MILLISECONDS);
    return shutdown.eventually(() -> {
      for (ClientConnection client : clients.all()) {
        client.close(CloseCode.SERVICE_RESTART);
      }
      return Future.succeededFuture();
    });
  }

  private void upgrade(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      HttpErrors.send(ctx, 400, "websocket_required", "open this path as a WebSocket");
      return;
    }
    String sessionId = ctx.pathParam("sessionId");
    String client = addresses.clientOf(ctx.request().remoteAddress(), ctx.request().headers());
    OpenConnections open = limits.connections();
    if (!open.tryOpen(client)) {
      LOG.warn("[Gateway] refused a WebSocket: its address holds {} open already", open.maxPerAddress());
      HttpErrors.send(ctx, 429, "too_many_connections", "this address holds the most open connections allowed");
      return;
    }
    // The connection gives its place back when it closes, however it closes (ClientConnection.onClosed).
    ctx.request().toWebSocket()
        .onSuccess(ws -> new ClientConnection(vertx, ws, sessionId, client, nodeId, clients, limits, activity,
            config, relays, toRelays))
        .onFailure(e -> {
          open.closed(client);
          LOG.debug("[Gateway] WebSocket upgrade failed: {}", e.toString());
        });
  }

  /**
   * Once a second: the heartbeats and acknowledgements of the last second go to the session service in one
   * message, and every relay instance holding one of these sessions hears which of them it is routed and which had
   * a client heartbeat (its cost guard closes upstreams whose client went silent). A relay that answers that it
   * does not hold a session has it moved on; a relay that does not answer moves nothing (its lease decides).
   */
  private void reportActivity() {
    List<Activity> activities = activity.drain();
    if (!activities.isEmpty()) {
      vertx.eventBus().send(Addresses.SESSION_ACTIVITY, new ActivityBatch(activities));
    }
    Set<String> heartbeated = new HashSet<>();
    for (Activity a : activities) {
      if (a.heartbeatAt() > 0) {
        heartbeated.add(a.sessionId());
      }
    }
    Map<String, List<String>> byRelay = new HashMap<>();
    for (ClientConnection client : clients.all()) {
      if (client.relayNode() != null) {
        byRelay.computeIfAbsent(client.relayNode(), r -> new ArrayList<>()).add(client.sessionId());
      }
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ACTIVITY_REPORT_MS);
    byRelay.forEach((relay, routed) -> {
      ClientHeartbeats heartbeats = new ClientHeartbeats(routed,
          routed.stream().filter(heartbeated::contains).toList());
      BusRequests.<NotHeld>request(vertx, Addresses.relayNode(relay), heartbeats, options)
          .onSuccess(reply -> {
            for (String sessionId : reply.body().sessionIds()) {
              ClientConnection client = clients.get(sessionId);
              if (client != null) {
                client.relayLost(relay);
              }
            }
          });
    });
  }

  /** The live relays answered: the sessions of a relay whose lease ran out move to another relay. */
  private void moveOffLapsedRelays() {
    for (ClientConnection client : clients.all()) {
      String relay = client.relayNode();
      if (relay != null && client.relayLeaseLost()) {
        client.relayLost(relay);
      }
    }
  }

  /**
   * A command for one of this gateway's clients. A sender that asks for an answer (a termination notice) is
   * answered once the event went out, or {@link BusFailure#NOT_FOUND} when the client is not here.
   */
  private void onCommand(Message<GatewayCommand> message) {
    GatewayCommand command = message.body();
    ClientConnection client = clients.get(command.sessionId());
    if (command instanceof ToClient event) {
      if (client != null) {
        client.deliver(event);
      }
      if (message.replyAddress() != null) {
        if (client != null) {
          message.reply(null);
        } else {
          message.fail(BusFailure.NOT_FOUND, "the client is not on this gateway");
        }
      }
    } else if (command instanceof RelayLeaving leaving) {
      if (client == null) {
        message.fail(BusFailure.NOT_FOUND, "the client is not on this gateway");
        return;
      }
      client.relayLeaving(leaving.relayNode())
          .onSuccess(v -> message.reply(null))
          .onFailure(e -> message.fail(BusFailure.UNAVAILABLE, "the session could not move: " + e.getMessage()));
    } else if (command instanceof ConnectionReplaced replaced) {
      if (client != null && client.connectionId().equals(replaced.connectionId())) {
        client.close(CloseCode.REPLACED);
      }
    }
  }

  /**
   * The public health check: {@code UP}, or {@code DOWN} (503) once the gateway is stopping, and nothing else.
   * Node ids and counts are for operators, on the management port.
   */
  private void health(RoutingContext ctx) {
    ctx.response().setStatusCode(stopping ? 503 : 200).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(stopping ? HEALTH_DOWN : HEALTH_UP);
  }
}
