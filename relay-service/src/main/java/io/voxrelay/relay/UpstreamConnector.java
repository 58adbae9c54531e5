package io.voxrelay.relay;

import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.UpstreamEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Opens upstream realtime WebSockets: {@code <url>?model=<model>} (at Azure, the deployment) with the key as the
 * provider takes it ({@code Authorization: Bearer <key>} at OpenAI, {@code api-key: <key>} at Azure, never in the
 * URL, which ends up in logs) and no beta header, as the GA API expects. The same code talks to the providers and
 * to the simulator.
 */
final class UpstreamConnector {

  /** Upstream audio deltas can be large; the defaults (64 KiB frames) are too small for them. */
  private static final int MAX_FRAME_BYTES = 4 << 20;
  private static final int MAX_MESSAGE_BYTES = 16 << 20;

  private final RelayConfig config;
  // Held strongly: an unreachable client is closed by a Cleaner, failing connections in flight.
  private final WebSocketClient client;
  private final RelayMetrics metrics;
  private final ProviderBreakers breakers;

  UpstreamConnector(Vertx vertx, RelayConfig config) {
    this.config = config;
    this.metrics = RelayMetrics.of(vertx);
    this.breakers = new ProviderBreakers(config.providerCooldownMs(), () -> System.nanoTime() / 1_000_000);
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(MAX_FRAME_BYTES)
        .setMaxMessageSize(MAX_MESSAGE_BYTES)
        // Vert.x allows 50 connections per host by default and queues the rest without bound: a relay would
        // hold 50 sessions. Each session has one upstream, two for a moment while it rolls over.
        .setMaxConnections(2 * config.maxSessions())
        .setConnectTimeout((int) RelayConfig.UPSTREAM_CONNECT_TIMEOUT_MS));
  }

  /** A new session's route: the primary upstream, or the fallback while the primary's breaker is open. */
  UpstreamRoute route(String sessionId) {
    return new UpstreamRoute(sessionId, config.upstream(), config.fallback(), breakers);
  }

  Future<WebSocket> connect(UpstreamEndpoint upstream) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(upstream.url() + "?model=" + URLEncoder.encode(upstream.model(), StandardCharsets.UTF_8));
    upstream.key().ifPresent(key -> {
      switch (upstream.provider()) {
        case OPENAI -> options.addHeader("Authorization", "Bearer " + key.reveal());
        case AZURE -> options.addHeader("api-key", key.reveal());
      }
    });
    return client.connect(options).andThen(ar -> metrics.connected(ar.succeeded()));
  }

  /** The figures of this relay node. */
  RelayMetrics metrics() {
    return metrics;
  }

  Future<Void> close() {
    return client.close();
  }
}
