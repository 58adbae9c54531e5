package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.json.Json;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated session's responses, at most one at a time: an answer streamed word by word (and as a tone, for
 * audio) five times faster than real time, a function call all at once, or a refusal for the rate limit; each
 * finished, cancelled or cut off by speech as GA does. Runs on the simulator's event loop.
 */
final class SimulatedResponses {

  /** Streaming tick: every 20 ms a 100 ms audio chunk goes out, five times faster than real time. */
  private static final long TICK_MS = 20;
  private static final long CHUNK_MS = 100;

  private final Vertx vertx;
  private final long responseAudioMs;
  private final SessionWire wire;
  private final SessionSettings settings;
  private final Conversation conversation;
  private final SessionBilling billing;
  private final SimulatedRateLimits rateLimits;
  private final String conversationId;
  private final AtomicInteger created = new AtomicInteger();
  private Response active;

  /** One answer being streamed. */
  private final class Response {
    final String id = SessionWire.newId("resp_");
    final String itemId = SessionWire.newId("item_");
    final boolean audio;
    final List<String> words;
    /** Bytes of PCM16 the answer speaks; each chunk is synthesised as it goes out, so a long answer costs no memory. */
    final int audioBytes;
    final StringBuilder spoken = new StringBuilder();
    /** The metadata of the {@code response.create} that asked for it (null: turn detection's), echoed as GA does. */
    final JsonNode metadata;
    int wordIndex;
    int audioOffset;
    long timer = -1;

    Response(boolean audio, String text, JsonNode metadata) {
      this.audio = audio;
      this.metadata = metadata;
      this.words = splitWords(text);
      this.audioBytes = audio ? Pcm16.bytesOf(responseAudioMs) : 0;
    }
  }

  SimulatedResponses(Vertx vertx, long responseAudioMs, SessionWire wire, SessionSettings settings,
                     Conversation conversation, SessionBilling billing, SimulatedRateLimits rateLimits,
                     String conversationId) {
    this.vertx = vertx;
    this.responseAudioMs = responseAudioMs;
    this.wire = wire;
    this.settings = settings;
    this.conversation = conversation;
    this.billing = billing;
    this.rateLimits = rateLimits;
    this.conversationId = conversationId;
  }

  /** How many responses were created (answers, calls and refusals). */
  int created() {
    return created.get();
  }

  boolean active() {
    return active != null;
  }

  /** A client's {@code response.create}: refused while one is active, as GA does. */
  void create(JsonNode event, String clientEventId) {
    if (active != null) {
      wire.error("invalid_request_error", "conversation_already_has_active_response",
          "Conversation already has an active response in progress: " + active.id
              + ". Wait until the response is finished before creating a new one.", null, clientEventId);
      return;
    }
    JsonNode metadata = event.path("response").path("metadata");
    start(settings.outputModalities(event.path("response")), metadata.isObject() ? metadata.deepCopy() : null);
  }

  /** A client's {@code response.cancel}. */
  void cancel(String clientEventId) {
    if (active == null) {
      wire.error("invalid_request_error", "response_cancel_not_active",
          "Cancellation failed: no active response found.", null, clientEventId);
      return;
    }
    finish("cancelled", "client_cancelled");
  }

  /** Speech cut the active response off ({@code turn_detected}). */
  void interrupted() {
    if (active != null) {
      finish("cancelled", "turn_detected");
    }
  }

  /** The socket closed: nothing streams on. */
  void close() {
    if (active != null) {
      vertx.cancelTimer(active.timer);
      active = null;
    }
  }

  /**
   * Starts a response; {@code metadata} is that of the {@code response.create} that asked for it (null: turn
   * detection's own), echoed in the response as GA does.
   */
  void start(String modality, JsonNode metadata) {
    ConversationItem last = conversation.answering(metadata);
    if (rateLimits.refuses(last)) {
      created.incrementAndGet();
      rateLimits.refuse(metadata);
      return;
    }
    if (last != null && "user".equals(last.role())) {
      Optional<SimulatedTools.Call> call = conversation.tools().choose(settings.session(), last.text(),
          SessionWire.newId("call_"));
      if (call.isPresent()) {
        callTool(call.get(), metadata);
        return;
      }
    }
    Response response = new Response("audio".equals(modality), conversation.answerText(last), metadata);
    active = response;
    created.incrementAndGet();
    wire.emit(wire.event("response.created").set("response", responseObject(response, "in_progress", null, null)));
    ObjectNode item = SessionWire.message(response.itemId, "assistant", "in_progress", null);
    wire.emit(wire.event("response.output_item.added").put("response_id", response.id).put("output_index", 0)
        .set("item", item.deepCopy()));
    conversation.addItem(item, conversation.lastItemId());
    ObjectNode part = response.audio ? Json.object().put("type", "audio").put("transcript", "")
        : Json.object().put("type", "text").put("text", "");
    wire.emit(partEvent("response.content_part.added", response).set("part", part));
    response.timer = vertx.setPeriodic(TICK_MS, t -> tick(response));
  }

  private void tick(Response response) {
    if (active != response) {
      vertx.cancelTimer(response.timer);
      return;
    }
    if (response.wordIndex < response.words.size()) {
      String word = response.words.get(response.wordIndex++);
      response.spoken.append(word);
      wire.emit(partEvent(response.audio ? "response.output_audio_transcript.delta" : "response.output_text.delta",
          response).put("delta", word));
    }
    if (response.audio && response.audioOffset < response.audioBytes) {
      int n = Math.min(Pcm16.bytesOf(CHUNK_MS), response.audioBytes - response.audioOffset);
      String chunk = Base64.getEncoder().encodeToString(
          Pcm16.tone(440, Pcm16.millisOf(n), 0.2, response.audioOffset / Pcm16.BYTES_PER_SAMPLE));
      response.audioOffset += n;
      wire.emit(partEvent("response.output_audio.delta", response).put("delta", chunk));
    }
    if (response.wordIndex >= response.words.size() && response.audioOffset >= response.audioBytes) {
      finish("completed", null);
    }
  }

  /** A response whose one output is a function call, all at once, as the GA API streams it. */
  private void callTool(SimulatedTools.Call call, JsonNode metadata) {
    String responseId = SessionWire.newId("resp_");
    String itemId = SessionWire.newId("item_");
    created.incrementAndGet();
    ObjectNode opened = Json.object().put("id", responseId).put("object", "realtime.response")
        .put("status", "in_progress").put("conversation_id", conversationId);
    opened.putArray("output");
    if (metadata != null) {
      opened.set("metadata", metadata.deepCopy());
    }
    wire.emit(wire.event("response.created").set("response", opened));
    ObjectNode item = Json.object().put("id", itemId).put("object", "realtime.item").put("type", "function_call")
        .put("status", "in_progress").put("call_id", call.callId()).put("name", call.name()).put("arguments", "");
    wire.emit(wire.event("response.output_item.added").put("response_id", responseId).put("output_index", 0)
        .set("item", item.deepCopy()));
    conversation.addItem(item, conversation.lastItemId());
    wire.emit(wire.event("response.function_call_arguments.delta").put("response_id", responseId)
        .put("item_id", itemId).put("output_index", 0).put("call_id", call.callId()).put("delta", call.arguments()));
    wire.emit(wire.event("response.function_call_arguments.done").put("response_id", responseId)
        .put("item_id", itemId).put("output_index", 0).put("call_id", call.callId()).put("name", call.name())
        .put("arguments", call.arguments()));
    item.put("status", "completed").put("arguments", call.arguments());
    wire.emit(wire.event("response.output_item.done").put("response_id", responseId).put("output_index", 0)
        .set("item", item.deepCopy()));
    wire.emit(wire.event("conversation.item.done").set("item", item.deepCopy()));
    conversation.add(new ConversationItem(itemId, "assistant", "function_call", call.arguments()));
    ObjectNode done = Json.object().put("id", responseId).put("object", "realtime.response")
        .put("status", "completed").put("conversation_id", conversationId);
    done.putArray("output").add(item.deepCopy());
    done.putArray("output_modalities").add("text");
    done.set("usage", billing.usage(call.arguments().length() / 4 + 1, 0));
    wire.emit(wire.event("response.done").set("response", done));
    wire.emit(rateLimits.updated());
  }

  private void finish(String status, String reason) {
    Response response = active;
    active = null;
    vertx.cancelTimer(response.timer);
    String text = response.spoken.toString();
    boolean completed = "completed".equals(status);
    if (completed) {
      if (response.audio) {
        wire.emit(partEvent("response.output_audio.done", response));
        wire.emit(partEvent("response.output_audio_transcript.done", response).put("transcript", text));
        wire.emit(partEvent("response.content_part.done", response)
            .set("part", Json.object().put("type", "audio").put("transcript", text)));
      } else {
        wire.emit(partEvent("response.output_text.done", response).put("text", text));
        wire.emit(partEvent("response.content_part.done", response)
            .set("part", Json.object().put("type", "text").put("text", text)));
      }
    }
    ObjectNode content = response.audio ? Json.object().put("type", "output_audio").put("transcript", text)
        : Json.object().put("type", "output_text").put("text", text);
    ObjectNode item = SessionWire.message(response.itemId, "assistant", completed ? "completed" : "incomplete",
        content);
    wire.emit(wire.event("response.output_item.done").put("response_id", response.id).put("output_index", 0)
        .set("item", item.deepCopy()));
    wire.emit(wire.event("conversation.item.done").set("item", item.deepCopy()));
    conversation.add(new ConversationItem(response.itemId, "assistant", content.path("type").asText(), text));
    if (response.audio) {
      conversation.spoke(response.itemId, response.audioOffset);
    }
    wire.emit(wire.event("response.done").set("response", responseObject(response, status, reason, item)));
    wire.emit(rateLimits.updated());
  }

  private ObjectNode responseObject(Response response, String status, String reason, ObjectNode item) {
    ObjectNode r = Json.object().put("id", response.id).put("object", "realtime.response").put("status", status)
        .put("conversation_id", conversationId);
    if (reason != null) {
      r.set("status_details", Json.object().put("type", status).put("reason", reason));
    }
    ArrayNode output = r.putArray("output");
    if (item != null) {
      output.add(item.deepCopy());
    }
    r.putArray("output_modalities").add(response.audio ? "audio" : "text");
    if (response.metadata != null) {
      r.set("metadata", response.metadata.deepCopy());
    }
    if (!"in_progress".equals(status)) {
      r.set("usage", billing.usage(response.spoken.length() / 4, response.audioOffset / 2_000));
    }
    return r;
  }

  private ObjectNode partEvent(String type, Response response) {
    return wire.event(type).put("response_id", response.id).put("item_id", response.itemId)
        .put("output_index", 0).put("content_index", 0);
  }

  private static List<String> splitWords(String text) {
    List<String> words = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i - 1) == ' ') {
        if (i > start) {
          words.add(text.substring(start, i));
        }
        start = i;
      }
    }
    return words;
  }
}
