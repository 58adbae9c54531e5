package io.voxrelay.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.ToolDefinition;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.ToolTurns;

import java.util.Set;

/**
 * The OpenAI Realtime (GA) client events the relay sends upstream. Each builder returns the JSON text of one
 * event; the shapes follow {@code RealtimeClientEvent} in OpenAI's published schema, which the tests check.
 */
final class RealtimeClientEvents {

  private RealtimeClientEvents() {
  }

  /**
   * The whole upstream configuration for the session's current state: realtime type, PCM16 24 kHz both
   * ways, the session's upstream options (each unset one from {@code defaults}), the interview prompt, its
   * tools. While the session is gated (paused, awaiting resume) turn
   * detection may neither create nor interrupt a response, so no "ghost" answer can start.
   */
  static String sessionUpdate(ConversationState state, UpstreamOptions defaults) {
    UpstreamOptions options = state.upstreamOptions().or(defaults);
    ObjectNode format = Json.object().put("type", "audio/pcm").put("rate", Pcm16.SAMPLE_RATE);
    ObjectNode turnDetection = Json.object().put("type", options.turnDetection());
    if ("semantic_vad".equals(options.turnDetection())) {
      if (options.vadEagerness() != null) {
        turnDetection.put("eagerness", options.vadEagerness());
      }
    } else {
      putIfSet(turnDetection, "threshold", options.vadThreshold());
      putIfSet(turnDetection, "prefix_padding_ms", options.vadPrefixPaddingMs());
      putIfSet(turnDetection, "silence_duration_ms", options.vadSilenceMs());
    }
    // Turn detection only commits speech: the relay asks for every answer itself (TurnTaking), so each typed
    // turn gets the answer asked for it and speech that comes with it gets its own, afterwards.
    turnDetection.put("create_response", false).put("interrupt_response", !state.gated());
    ObjectNode input = Json.object();
    input.set("format", format);
    input.set("turn_detection", turnDetection);
    input.set("transcription", Json.object().put("model", options.transcriptionModel()));
    // Off is the upstream's default, and the GA schema has no value for it: the field is left out. (A session's
    // options never change, so no update needs to turn it back off.)
    if (options.noiseReduction() != null && !"off".equals(options.noiseReduction())) {
      input.set("noise_reduction", Json.object().put("type", options.noiseReduction()));
    }
    ObjectNode output = Json.object();
    output.set("format", format.deepCopy());
    output.put("voice", options.voice());
    ObjectNode audio = Json.object();
    audio.set("input", input);
    audio.set("output", output);

    ObjectNode session = Json.object().put("type", "realtime").put("instructions", InterviewPrompt.of(state));
    session.putArray("output_modalities").add(state.textOnly() ? "text" : "audio");
    session.set("audio", audio);
    if (options.maxOutputTokens() != null) {
      session.put("max_output_tokens", options.maxOutputTokens());
    } else {
      session.put("max_output_tokens", "inf");
    }
    if ("retention_ratio".equals(options.truncation())) {
      session.set("truncation", Json.object().put("type", "retention_ratio")
          .put("retention_ratio", options.retentionRatio()));
    } else if (options.truncation() != null) {
      session.put("truncation", options.truncation());
    }
    SessionTools tools = state.tools();
    if (!tools.isEmpty()) {
      // voxrelay's own flag (clientVisible) stays here: the upstream gets OpenAI's function tool fields only.
      ArrayNode list = session.putArray("tools");
      for (ToolDefinition tool : tools.tools()) {
        list.addObject().put("type", "function").put("name", tool.name()).put("description", tool.description())
            .set("parameters", Json.parse(tool.parameters()));
      }
      if (Set.of("auto", "none", "required").contains(tools.toolChoice())) {
        session.put("tool_choice", tools.toolChoice());
      } else {
        session.set("tool_choice", Json.object().put("type", "function").put("name", tools.toolChoice()));
      }
    }
    ObjectNode event = event("session.update");
    event.set("session", session);
    return Json.write(event);
  }

  private static void putIfSet(ObjectNode node, String field, Number value) {
    if (value instanceof Integer i) {
      node.put(field, i);
    } else if (value != null) {
      node.put(field, value.doubleValue());
    }
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

  /**
   * Cuts the AI's answer {@code itemId} at {@code audioEndMs}: the user spoke over it after hearing that much,
   * and the upstream's conversation should hold only what was heard.
   */
  static String conversationItemTruncate(String itemId, long audioEndMs) {
    return Json.write(event("conversation.item.truncate").put("item_id", itemId).put("content_index", 0)
        .put("audio_end_ms", audioEndMs));
  }

  /** The key of a response's metadata that names the turn the relay asked it to answer. */
  static final String ANSWERS_ITEM = "voxrelay_answers";

  /**
   * Asks for the answer to turn {@code itemId}, in the session's configured modality. The metadata names the
   * turn; the upstream echoes it in {@code response.created}, so the relay knows which answer began.
   */
  static String responseCreate(String itemId) {
    ObjectNode event = event("response.create");
    event.putObject("response").putObject("metadata").put(ANSWERS_ITEM, itemId);
    return Json.write(event);
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

  /** A function call the model made, restored into a new upstream conversation. */
  static String functionCallItem(ToolTurns.Call call) {
    ObjectNode item = Json.object().put("type", "function_call").put("id", call.itemId()).put("call_id", call.callId())
        .put("name", call.name()).put("arguments", call.arguments());
    ObjectNode event = event("conversation.item.create").put("event_id", eventIdOf(call.itemId()));
    event.set("item", item);
    return Json.write(event);
  }

  /** What a function call returned, for the model to read. */
  static String functionCallOutputItem(ToolTurns.Output output) {
    String itemId = ToolTurns.outputItemId(output.callId());
    ObjectNode item = Json.object().put("type", "function_call_output").put("id", itemId)
        .put("call_id", output.callId()).put("output", output.output());
    ObjectNode event = event("conversation.item.create").put("event_id", eventIdOf(itemId));
    event.set("item", item);
    return Json.write(event);
  }

  /** The client event id of the {@code conversation.item.create} that adds {@code itemId}. */
  static String eventIdOf(String itemId) {
    return "ev_" + itemId;
  }

  /** A fresh id for an item the relay adds, so the upstream's answer to it (or its refusal) can be matched. */
  static String newItemId() {
    return "vr_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  /** The item whose creation an upstream error is about, or null when it is about another event. */
  static String itemRefusedBy(String errorEventId) {
    return errorEventId != null && errorEventId.startsWith("ev_") ? errorEventId.substring(3) : null;
  }

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }
}
