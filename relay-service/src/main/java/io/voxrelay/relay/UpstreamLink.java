package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.net.BoundedWrites;
import io.vertx.core.Vertx;
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
  private final BoundedWrites writes;
  private final Consumer<UpstreamLink> onLost;
  private final String sessionId;
  private boolean responseActive;
  /** A response.create was sent and its response has not begun or finished yet. */
  private boolean responseRequested;
  private boolean speaking;
  private boolean closedByRelay;

  UpstreamLink(WebSocket socket, String sessionId, BiConsumer<UpstreamLink, JsonNode> onEvent,
               BiConsumer<UpstreamLink, String> onAudio, Consumer<UpstreamLink> onLost) {
    this.socket = socket;
    this.sessionId = sessionId;
    this.writes = new BoundedWrites(socket);
    this.onLost = onLost;
    socket.textMessageHandler(text -> {
      String audio = AudioDeltas.audioOf(text);
      if (audio != null) {
        // Most of what the upstream sends: passed on without building a JSON tree.
        onAudio.accept(this, audio);
        return;
      }
      JsonNode event;
      try {
        event = Json.parse(text);
      } catch (Json.InvalidJsonException e) {
        LOG.warn("[Relay] unreadable upstream event for {} dropped", sessionId);
        return;
      }
      track(event);
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

  private void track(JsonNode event) {
    switch (event.path("type").asText()) {
      case "response.created" -> responseActive = true;
      case "response.done" -> {
        responseActive = false;
        responseRequested = false;
      }
      case "error" -> {
        if (responseRequested
            && "conversation_already_has_active_response".equals(event.path("error").path("code").asText())) {
          // Our request lost a race with a response turn detection started; the session's AnswerTracker
          // decides, once that one is done, whether another is still owed.
          responseRequested = false;
        }
      }
      case "input_audio_buffer.speech_started" -> speaking = true;
      case "input_audio_buffer.speech_stopped", "input_audio_buffer.cleared" -> speaking = false;
      default -> { }
    }
  }

  /**
   * Sends a client event. An upstream that stopped reading (its socket queue stayed full) counts as lost:
   * the link closes and the session opens a new one, with the conversation restored.
   */
  void send(String clientEvent) {
    if (!closedByRelay && !writes.write(clientEvent)) {
      LOG.warn("[Relay] upstream of {} stopped reading ({} audio frames dropped); replacing it", sessionId,
          writes.dropped());
      close();
      // Later, not inside the caller's own use of this link.
      Vertx.currentContext().runOnContext(v -> onLost.accept(this));
    }
  }

  /** Sends microphone audio; dropped while the upstream lags behind (audio is live, never queued). */
  void sendAudio(String base64Pcm) {
    if (!closedByRelay) {
      writes.writeDroppable(RealtimeClientEvents.inputAudioAppend(base64Pcm));
    }
  }

  boolean responseActive() {
    return responseActive;
  }

  /**
   * Asks for a response, unless one is under way or already asked for: the upstream allows one at a time and
   * refuses a second with {@code conversation_already_has_active_response}.
   */
  void requestResponse() {
    if (responseActive || responseRequested) {
      return;
    }
    responseRequested = true;
    send(RealtimeClientEvents.responseCreate());
  }

  /** No response under way or asked for, and the user is not speaking: a response may be asked for now. */
  boolean idle() {
    return noResponse() && !speaking;
  }

  /** No response under way or asked for; the user may be speaking. */
  boolean noResponse() {
    return !responseActive && !responseRequested;
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
