package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of one live session: its upstream WebSocket and the gateway instance its client is on.
 * Confined to the relay verticle's event loop.
 */
final class UpstreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);

  private final Vertx vertx;
  private final String sessionId;
  private final WebSocket upstream;
  private String gatewayNode;
  private String connectionId;
  private long detachTimer = -1;
  private boolean closed;
  private Runnable onClosed = () -> { };

  UpstreamSession(Vertx vertx, String sessionId, WebSocket upstream, String gatewayNode, String connectionId) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.upstream = upstream;
    this.gatewayNode = gatewayNode;
    this.connectionId = connectionId;
    upstream.textMessageHandler(this::onUpstreamEvent);
    upstream.closeHandler(v -> onUpstreamClosed());
    upstream.exceptionHandler(e -> LOG.warn("[Relay] upstream error for {}: {}", sessionId, e.toString()));
  }

  String sessionId() {
    return sessionId;
  }

  void onClosed(Runnable callback) {
    this.onClosed = callback;
  }

  void send(String clientEventJson) {
    if (!closed) {
      upstream.writeTextMessage(clientEventJson);
    }
  }

  /** The client is (again) on {@code node} as {@code connection}; a pending detach close is cancelled. */
  void attach(String node, String connection) {
    gatewayNode = node;
    connectionId = connection;
    if (detachTimer >= 0) {
      vertx.cancelTimer(detachTimer);
      detachTimer = -1;
    }
  }

  /**
   * The client connection {@code connection} left. Ignored if a newer connection has attached since. If no
   * client comes back within {@code graceMs}, the upstream is closed.
   */
  void detach(String connection, long graceMs) {
    if (connection.equals(connectionId)) {
      gatewayNode = null;
      connectionId = null;
      if (detachTimer < 0) {
        detachTimer = vertx.setTimer(graceMs, id -> {
          detachTimer = -1;
          LOG.info("[Relay] closing upstream of {}: client did not return within {} ms", sessionId, graceMs);
          close();
        });
      }
    }
  }

  void close() {
    if (!closed) {
      closed = true;
      upstream.close();
      finish();
    }
  }

  private void onUpstreamEvent(String text) {
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (Json.InvalidJsonException e) {
      LOG.warn("[Relay] unreadable upstream event for {} dropped", sessionId);
      return;
    }
    if ("error".equals(event.path("type").asText())) {
      LOG.warn("[Relay] upstream error for {}: {}", sessionId, event.path("error").path("code").asText());
    }
    UpstreamEventTranslator.toClient(event).ifPresent(this::toClient);
  }

  private void toClient(String json) {
    if (gatewayNode != null) {
      vertx.eventBus().send(Addresses.gatewayNode(gatewayNode), new ToClient(sessionId, json));
    }
  }

  private void onUpstreamClosed() {
    if (!closed) {
      closed = true;
      LOG.warn("[Relay] upstream of {} closed ({})", sessionId, upstream.closeStatusCode());
      finish();
    }
  }

  private void finish() {
    if (detachTimer >= 0) {
      vertx.cancelTimer(detachTimer);
      detachTimer = -1;
    }
    onClosed.run();
  }
}
