package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.json.Json;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated session's input audio buffer and its voice activity detection: appended audio, committed by the
 * client or by turn detection as a user item with its transcription, cleared; speech that starts cuts an answer
 * off, and speech that stops asks for one, as the session's turn detection says. Runs on the simulator's event
 * loop.
 */
final class InputAudio {

  private static final long MIN_COMMIT_MS = 100;

  private final SessionWire wire;
  private final SessionSettings settings;
  private final Conversation conversation;
  private final SimulatedResponses responses;
  private final EnergyVad vad;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final AtomicLong bytesReceived = new AtomicLong();
  private String speechItemId;

  InputAudio(SessionWire wire, SessionSettings settings, Conversation conversation, SimulatedResponses responses,
             EnergyVad vad) {
    this.wire = wire;
    this.settings = settings;
    this.conversation = conversation;
    this.responses = responses;
    this.vad = vad;
  }

  /** Bytes of audio appended, in all. */
  long bytesReceived() {
    return bytesReceived.get();
  }

  /** {@code input_audio_buffer.append}. */
  void append(JsonNode event, String clientEventId) {
    byte[] pcm;
    try {
      pcm = Base64.getDecoder().decode(event.path("audio").asText());
    } catch (IllegalArgumentException e) {
      wire.error("invalid_request_error", "invalid_value", "Invalid 'audio'. Expected base64-encoded audio.",
          "audio", clientEventId);
      return;
    }
    bytesReceived.addAndGet(pcm.length);
    buffer.writeBytes(pcm);
    if (settings.turnDetection().isObject()) {
      vad.feed(pcm, this::onVad);
    }
  }

  private void onVad(EnergyVad.Transition transition, long audioMs) {
    JsonNode turnDetection = settings.turnDetection();
    if (transition == EnergyVad.Transition.SPEECH_STARTED) {
      speechItemId = SessionWire.newId("item_");
      wire.emit(wire.event("input_audio_buffer.speech_started").put("audio_start_ms", audioMs)
          .put("item_id", speechItemId));
      if (turnDetection.path("interrupt_response").asBoolean(true)) {
        responses.interrupted();
      }
    } else {
      wire.emit(wire.event("input_audio_buffer.speech_stopped").put("audio_end_ms", audioMs)
          .put("item_id", speechItemId));
      if (commitInput(speechItemId) && turnDetection.path("create_response").asBoolean(true)
          && !responses.active()) {
        responses.start(settings.outputModalities(null), null);
      }
    }
  }

  /** {@code input_audio_buffer.commit}: refused under 100 ms of audio, as GA does. */
  void commit(String clientEventId) {
    if (Pcm16.millisOf(buffer.size()) < MIN_COMMIT_MS) {
      wire.error("invalid_request_error", "input_audio_buffer_commit_empty",
          "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has "
              + Pcm16.millisOf(buffer.size()) + ".00ms of audio.", null, clientEventId);
      return;
    }
    commitInput(SessionWire.newId("item_"));
  }

  /** Commits the buffer as a user audio item with its transcription; false when too short. */
  private boolean commitInput(String itemId) {
    long millis = Pcm16.millisOf(buffer.size());
    buffer.reset();
    if (millis < MIN_COMMIT_MS) {
      return false;
    }
    String previous = conversation.lastItemId();
    ObjectNode committed = wire.event("input_audio_buffer.committed").put("item_id", itemId);
    if (previous != null) {
      committed.put("previous_item_id", previous);
    }
    wire.emit(committed);
    ObjectNode item = SessionWire.message(itemId, "user", "completed", Json.object().put("type", "input_audio"));
    conversation.addItem(item, previous);
    wire.emit(wire.event("conversation.item.done").put("previous_item_id", previous).set("item", item.deepCopy()));
    String transcript = String.format(Locale.ROOT, "I spoke for %.1f seconds.", vad.lastSpeechMs() / 1000.0);
    conversation.add(new ConversationItem(itemId, "user", "input_audio", transcript));
    wire.emit(wire.event("conversation.item.input_audio_transcription.delta").put("item_id", itemId)
        .put("content_index", 0).put("delta", transcript));
    ObjectNode usage = Json.object().put("type", "duration").put("seconds", millis / 1000.0);
    wire.emit(wire.event("conversation.item.input_audio_transcription.completed").put("item_id", itemId)
        .put("content_index", 0).put("transcript", transcript).set("usage", usage));
    return true;
  }

  /** {@code input_audio_buffer.clear}. */
  void clear() {
    buffer.reset();
    vad.reset();
    wire.emit(wire.event("input_audio_buffer.cleared"));
  }
}
