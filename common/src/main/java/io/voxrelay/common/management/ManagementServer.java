package io.voxrelay.common.management;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port of one process: {@code GET /metrics} (Prometheus text), {@code GET /health/live} and
 * {@code GET /health/ready} (200 UP or 503 DOWN, with each procedure's status as JSON). It serves the node's
 * {@link Telemetry}, so a process running several services answers for all of them.
 */
public final class ManagementServer {

  /** Printed with the port once the server listens; tests and supervisors read it. */
  public static final String LISTENING_LINE = "[voxrelay] management: ";

  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  private ManagementServer() {
  }

  /** Starts serving; completes with the server (its {@code actualPort()} is the port bound). */
  public static Future<HttpServer> start(Vertx vertx, ManagementConfig config) {
    Telemetry telemetry = Telemetry.of(vertx);
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(telemetry.prometheus()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(telemetry.liveness()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(telemetry.readiness()));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.port(), config.host())
        .onSuccess(server -> {
          LOG.info("[Management] metrics and health on port {}", server.actualPort());
          System.out.println(LISTENING_LINE + server.actualPort());
          System.out.flush();
        });
  }
}
