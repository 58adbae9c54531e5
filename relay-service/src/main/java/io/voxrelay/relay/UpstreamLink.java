package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One upstream WebSocket, i.e. one upstream model session. A relay session outlives its links: a drop or a
 * rollover replaces the link, not the session. The link tracks what the relay must know to act safely: is a
 * response in progress, is the user speaking.
 */
final class UpstreamLink {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);

  private final WebSocket socket;
  private final String sessionId;
  private boolean responseActive;
  private boolean speaking;
  private boolean closedByRelay;

  UpstreamLink(WebSocket socket, String sessionId, BiConsumer<UpstreamLink, JsonNode> onEvent,
               Consumer<UpstreamLink> onLost) {
    this.socket = socket;
    this.sessionId = sessionId;
    socket.textMessageHandler(text -> {
      JsonNode event;
      try {
        event = Json.parse(text);
      } catch (Json.InvalidJsonException e) {
        LOG.warn("[Relay] unreadable upstream event for {} dropped", sessionId);
        return;
      }
      track(event.path("type").asText());
      onEvent.accept(this, event);
    });
    socket.exceptionHandler(e -> LOG.debug("[Relay] upstream socket error for {}: {}", sessionId, e.toString()));
    socket.closeHandler(v -> {
      if (!closedByRelay) {
        LOG.warn("[Relay] upstream of {} closed by the other side ({})", sessionId, socket.closeStatusCode());
        onLost.accept(this);
      }
    });
  }

  private void track(String type) {
    switch (type) {
      case "response.created" -> responseActive = true;
      case "response.done" -> responseActive = false;
      case "input_audio_buffer.speech_started" -> speaking = true;
      case "input_audio_buffer.speech_stopped", "input_audio_buffer.cleared" -> speaking = false;
      default -> { }
    }
  }

  void send(String clientEvent) {
    if (!closedByRelay) {
      socket.writeTextMessage(clientEvent);
    }
  }

  boolean responseActive() {
    return responseActive;
  }

  /** Neither answering nor hearing speech: a moment when switching to a new upstream loses nothing. */
  boolean quiet() {
    return !responseActive && !speaking;
  }

  void close() {
    if (!closedByRelay) {
      closedByRelay = true;
      socket.close();
    }
  }
}
