package io.voxrelay.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;

/**
 * The OpenAI Realtime (GA) client events the relay sends upstream. Each builder returns the JSON text of one
 * event; the shapes follow {@code RealtimeClientEvent} in OpenAI's published schema, which the tests check.
 */
final class RealtimeClientEvents {

  private RealtimeClientEvents() {
  }

  /**
   * The whole upstream configuration for the session's current state: realtime type, PCM16 24 kHz both
   * ways, server VAD, the interview prompt. While the session is gated (paused, awaiting resume) turn
   * detection may neither create nor interrupt a response, so no "ghost" answer can start.
   */
  static String sessionUpdate(ConversationState state, String voice) {
    ObjectNode format = Json.object().put("type", "audio/pcm").put("rate", Pcm16.SAMPLE_RATE);
    ObjectNode turnDetection = Json.object()
        .put("type", "server_vad")
        .put("threshold", 0.5)
        .put("prefix_padding_ms", 300)
        .put("silence_duration_ms", 500)
        .put("create_response", !state.gated())
        .put("interrupt_response", !state.gated());
    ObjectNode input = Json.object();
    input.set("format", format);
    input.set("turn_detection", turnDetection);
    input.set("transcription", Json.object().put("model", "gpt-4o-mini-transcribe"));
    ObjectNode output = Json.object();
    output.set("format", format.deepCopy());
    output.put("voice", voice);
    ObjectNode audio = Json.object();
    audio.set("input", input);
    audio.set("output", output);

    ObjectNode session = Json.object().put("type", "realtime").put("instructions", InterviewPrompt.of(state));
    session.putArray("output_modalities").add(state.textOnly() ? "text" : "audio");
    session.set("audio", audio);
    ObjectNode event = event("session.update");
    event.set("session", session);
    return Json.write(event);
  }

  /**
   * Built by concatenation, not through a JSON tree: it is sent 50 times a second per speaking user, and the
   * gateway admits only base64 (nothing to escape) as audio.
   */
  static String inputAudioAppend(String base64Pcm) {
    return "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + base64Pcm + "\"}";
  }

  static String inputAudioBufferClear() {
    return Json.write(event("input_audio_buffer.clear"));
  }

  static String responseCancel() {
    return Json.write(event("response.cancel"));
  }

  /** Asks for an answer in the session's configured modality. */
  static String responseCreate() {
    return Json.write(event("response.create"));
  }

  /**
   * A text item: a user turn ({@code input_text}), an assistant turn ({@code output_text}: assistant audio
   * cannot be re-created, so restored answers are text), or a system note.
   */
  static String conversationItemCreate(String itemId, String role, String text) {
    String contentType = Turn.ASSISTANT.equals(role) ? "output_text" : "input_text";
    ObjectNode item = Json.object().put("type", "message").put("role", role);
    ObjectNode event = event("conversation.item.create");
    if (itemId != null) {
      item.put("id", itemId);
      // An error the upstream reports about this event names it, so the relay knows which item was refused.
      event.put("event_id", eventIdOf(itemId));
    }
    item.putArray("content").addObject().put("type", contentType).put("text", text);
    event.set("item", item);
    return Json.write(event);
  }

  /** The client event id of the {@code conversation.item.create} that adds {@code itemId}. */
  static String eventIdOf(String itemId) {
    return "ev_" + itemId;
  }

  /** The item whose creation an upstream error is about, or null when it is about another event. */
  /** A fresh id for an item the relay adds, so the upstream's answer to it (or its refusal) can be matched. */
  static String newItemId() {
    return "vr_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  static String itemRefusedBy(String errorEventId) {
    return errorEventId != null && errorEventId.startsWith("ev_") ? errorEventId.substring(3) : null;
  }

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }
}
