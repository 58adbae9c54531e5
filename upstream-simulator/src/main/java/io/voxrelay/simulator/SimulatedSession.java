package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated OpenAI Realtime (GA) session over a WebSocket. Runs on the simulator's event loop; the
 * inspection getters may be called from any thread.
 */
public final class SimulatedSession {

  /**
   * Events kept for inspection each way, oldest dropped first. Audio is kept without its samples (an empty
   * string, still valid to the schema): a long answer would otherwise hold megabytes per session. How many
   * are kept is {@link SimulatorConfig#recordedEvents()}.
   */
  /** Streaming tick: every 20 ms a 100 ms audio chunk goes out, five times faster than real time. */
  private static final long TICK_MS = 20;
  private static final long CHUNK_MS = 100;
  private static final long MIN_COMMIT_MS = 100;

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final HttpConnection connection;
  private final SimulatorConfig config;
  private final String id = "sess_" + shortId();
  private final String conversationId = "conv_" + shortId();
  private final String model;
  private final boolean authorized;
  private final ObjectNode session;
  private final EnergyVad vad = new EnergyVad(0.5, 500);
  /** A user turn with these words has its first response refused for the rate limit (for tests). */
  public static final String RATE_LIMIT_TRIGGER = "rate limit";
  static final double RATE_LIMIT_RESET_SECONDS = 1.5;
  /** The items whose response was refused once already (bounded by the conversation's items). */
  private final java.util.Set<String> rateLimited = new java.util.HashSet<>();
  private final SpokenItems spoken = new SpokenItems();
  private final SimulatedTools tools = new SimulatedTools();
  private final ByteArrayOutputStream inputBuffer = new ByteArrayOutputStream();
  private final AtomicInteger eventCounter = new AtomicInteger();
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonNode> emitted = Collections.synchronizedList(new ArrayList<>());
  private final List<ConversationItem> items = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong audioBytesReceived = new AtomicLong();
  private final AtomicInteger responsesCreated = new AtomicInteger();
  private final List<JsonNode> billed = Collections.synchronizedList(new ArrayList<>());
  /** The input tokens of the last response: what the next one reads again counts as cached. */
  private int cachedTokens;
  private final long expiryTimer;
  private volatile boolean open = true;
  private final long openedAt = System.nanoTime();
  private volatile long closedAt = Long.MAX_VALUE;
  private String speechItemId;
  private String lastItemId;
  private Response active;

  SimulatedSession(Vertx vertx, ServerWebSocket socket, HttpConnection connection, SimulatorConfig config,
                   String model, boolean authorized) {
    this.vertx = vertx;
    this.socket = socket;
    this.connection = connection;
    this.config = config;
    this.model = model;
    this.authorized = authorized;
    this.session = initialSession();
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> { });
    expiryTimer = vertx.setTimer(config.maxSessionMs(), t -> expire());
  }

  /**
   * Greets the client with {@code session.created}. Called once the simulator lists this session, so a client
   * that saw the greeting always finds the session in {@link UpstreamSimulator#sessions()}.
   */
  void start() {
    emit(event("session.created").set("session", session.deepCopy()));
  }

  // ---- inspection -------------------------------------------------------------------------------------

  public String id() {
    return id;
  }

  public String model() {
    return model;
  }

  /** Whether the handshake carried an {@code Authorization: Bearer} header. */
  public boolean authorized() {
    return authorized;
  }

  public boolean isOpen() {
    return open;
  }

  /** When the connection opened and closed ({@link System#nanoTime()}; closed is MAX_VALUE while open). */
  public long openedAtNanos() {
    return openedAt;
  }

  public long closedAtNanos() {
    return closedAt;
  }

  /** The instructions the client configured, which identify the voxrelay session in tests. */
  public String instructions() {
    return session.path("instructions").asText();
  }

  public List<JsonNode> receivedEvents() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  public List<JsonNode> emittedEvents() {
    synchronized (emitted) {
      return List.copyOf(emitted);
    }
  }

  public List<String> receivedTypes() {
    return receivedEvents().stream().map(e -> e.path("type").asText()).toList();
  }

  public List<ConversationItem> items() {
    synchronized (items) {
      return List.copyOf(items);
    }
  }

  public long audioBytesReceived() {
    return audioBytesReceived.get();
  }

  public int responsesCreated() {
    return responsesCreated.get();
  }

  /** The effective session configuration, as the last {@code session.updated} reported it. */
  public JsonNode sessionConfig() {
    return session.deepCopy();
  }

  // ---- fault injection -----------------------------------------------------------------------------

  /**
   * Drops the connection as an upstream failure would: the transport closes under the session, which the
   * client sees as an abnormal close (1011, or 1006 where the close frame is lost).
   */
  public void drop() {
    vertx.runOnContext(v -> socket.close((short) 1011, "simulated upstream failure").onComplete(r -> connection.close()));
  }

  /** Sends an {@code error} event with the given GA error fields. */
  public void injectError(String type, String code, String message) {
    vertx.runOnContext(v -> error(type, code, message, null, null));
  }

  // ---- protocol ------------------------------------------------------------------------------------

  private void onText(String text) {
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (Json.InvalidJsonException e) {
      error("invalid_request_error", "invalid_json", "The event could not be parsed as JSON.", null, null);
      return;
    }
    record(event);
    String clientEventId = event.path("event_id").isTextual() ? event.path("event_id").asText() : null;
    switch (event.path("type").asText()) {
      case "session.update" -> sessionUpdate(event, clientEventId);
      case "input_audio_buffer.append" -> append(event, clientEventId);
      case "input_audio_buffer.commit" -> commit(clientEventId);
      case "input_audio_buffer.clear" -> clearInput();
      case "conversation.item.create" -> createItem(event, clientEventId);
      case "response.create" -> responseCreate(event, clientEventId);
      case "response.cancel" -> responseCancel(clientEventId);
      case "conversation.item.truncate" -> truncate(event, clientEventId);
      default -> error("invalid_request_error", "unknown_event_type",
          "Invalid value: '" + event.path("type").asText() + "'. Unsupported event type.", "type", clientEventId);
    }
  }

  /**
   * GA's {@code conversation.item.truncate}: the item's audio is cut at {@code audio_end_ms} and its transcript
   * is removed (GA keeps no text for a truncated item); {@code conversation.item.truncated} confirms it.
   */
  private void truncate(JsonNode event, String clientEventId) {
    String itemId = event.path("item_id").asText();
    int contentIndex = event.path("content_index").asInt(-1);
    long audioEndMs = event.path("audio_end_ms").asLong(-1);
    String refused = spoken.truncate(itemId, contentIndex, audioEndMs);
    if (refused != null) {
      error("invalid_request_error", "invalid_value", refused, "audio_end_ms", clientEventId);
      return;
    }
    synchronized (items) {
      items.replaceAll(item -> item.id().equals(itemId)
          ? new ConversationItem(item.id(), item.role(), item.contentType(), "") : item);
    }
    emit(event("conversation.item.truncated").put("item_id", itemId).put("content_index", contentIndex)
        .put("audio_end_ms", audioEndMs));
  }

  /** The truncations this session carried out, oldest first. */
  public List<SpokenItems.Truncation> truncations() {
    return spoken.truncations();
  }

  private void record(JsonNode event) {
    synchronized (received) {
      if (received.size() >= config.recordedEvents()) {
        received.remove(0);
      }
      received.add(withoutSamples(event, "input_audio_buffer.append", "audio"));
    }
  }

  private void sessionUpdate(JsonNode event, String clientEventId) {
    JsonNode update = event.path("session");
    if (!update.isObject()) {
      error("invalid_request_error", "missing_required_parameter", "Missing required parameter: 'session'.",
          "session", clientEventId);
      return;
    }
    if (!"realtime".equals(update.path("type").asText())) {
      error("invalid_request_error", "missing_required_parameter",
          "Missing required parameter: 'session.type'.", "session.type", clientEventId);
      return;
    }
    for (String beta : List.of("modalities", "input_audio_format", "output_audio_format", "voice",
        "turn_detection", "input_audio_transcription")) {
      if (update.has(beta)) {
        error("invalid_request_error", "unknown_parameter", "Unknown parameter: 'session." + beta + "'.",
            "session." + beta, clientEventId);
        return;
      }
    }
    Optional<SessionChecks.Problem> problem = SessionChecks.check(update);
    if (problem.isPresent()) {
      error("invalid_request_error", "invalid_value", problem.get().message(), problem.get().param(), clientEventId);
      return;
    }
    update.fields().forEachRemaining(f -> {
      if (f.getValue().isObject() && session.path(f.getKey()).isObject()) {
        merge((ObjectNode) session.get(f.getKey()), (ObjectNode) f.getValue());
      } else {
        session.set(f.getKey(), f.getValue().deepCopy());
      }
    });
    JsonNode td = turnDetection();
    if (td.isObject()) {
      vad.configure(td.path("threshold").asDouble(0.5), td.path("silence_duration_ms").asLong(500));
    }
    emit(event("session.updated").set("session", session.deepCopy()));
  }

  private static void merge(ObjectNode target, ObjectNode update) {
    update.fields().forEachRemaining(f -> {
      if (f.getValue().isObject() && target.path(f.getKey()).isObject()) {
        merge((ObjectNode) target.get(f.getKey()), (ObjectNode) f.getValue());
      } else {
        target.set(f.getKey(), f.getValue().deepCopy());
      }
    });
  }

  private JsonNode turnDetection() {
    return session.path("audio").path("input").path("turn_detection");
  }

  private void append(JsonNode event, String clientEventId) {
    byte[] pcm;
    try {
      pcm = Base64.getDecoder().decode(event.path("audio").asText());
    } catch (IllegalArgumentException e) {
      error("invalid_request_error", "invalid_value", "Invalid 'audio'. Expected base64-encoded audio.",
          "audio", clientEventId);
      return;
    }
    audioBytesReceived.addAndGet(pcm.length);
    inputBuffer.writeBytes(pcm);
    if (turnDetection().isObject()) {
      vad.feed(pcm, this::onVad);
    }
  }

  private void onVad(EnergyVad.Transition transition, long audioMs) {
    if (transition == EnergyVad.Transition.SPEECH_STARTED) {
      speechItemId = "item_" + shortId();
      emit(event("input_audio_buffer.speech_started").put("audio_start_ms", audioMs).put("item_id", speechItemId));
      if (active != null && turnDetection().path("interrupt_response").asBoolean(true)) {
        finishResponse("cancelled", "turn_detected");
      }
    } else {
      emit(event("input_audio_buffer.speech_stopped").put("audio_end_ms", audioMs).put("item_id", speechItemId));
      if (commitInput(speechItemId) && turnDetection().path("create_response").asBoolean(true)) {
        if (active == null) {
          startResponse(outputModalities(null), null);
        }
      }
    }
  }

  private void commit(String clientEventId) {
    if (Pcm16.millisOf(inputBuffer.size()) < MIN_COMMIT_MS) {
      error("invalid_request_error", "input_audio_buffer_commit_empty",
          "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has "
              + Pcm16.millisOf(inputBuffer.size()) + ".00ms of audio.", null, clientEventId);
      return;
    }
    commitInput("item_" + shortId());
  }

  /** Commits the input buffer as a user audio item with its transcription; false when too short. */
  private boolean commitInput(String itemId) {
    long millis = Pcm16.millisOf(inputBuffer.size());
    inputBuffer.reset();
    if (millis < MIN_COMMIT_MS) {
      return false;
    }
    String previous = lastItemId;
    ObjectNode committed = event("input_audio_buffer.committed").put("item_id", itemId);
    if (previous != null) {
      committed.put("previous_item_id", previous);
    }
    emit(committed);
    ObjectNode content = Json.object().put("type", "input_audio");
    ObjectNode item = message(itemId, "user", "completed", content);
    addItem(item, previous);
    emit(event("conversation.item.done").put("previous_item_id", previous).set("item", item.deepCopy()));
    String transcript = String.format(Locale.ROOT, "I spoke for %.1f seconds.", vad.lastSpeechMs() / 1000.0);
    items.add(new ConversationItem(itemId, "user", "input_audio", transcript));
    emit(event("conversation.item.input_audio_transcription.delta").put("item_id", itemId)
        .put("content_index", 0).put("delta", transcript));
    ObjectNode usage = Json.object().put("type", "duration").put("seconds", millis / 1000.0);
    emit(event("conversation.item.input_audio_transcription.completed").put("item_id", itemId)
        .put("content_index", 0).put("transcript", transcript).set("usage", usage));
    return true;
  }

  private void clearInput() {
    inputBuffer.reset();
    vad.reset();
    emit(event("input_audio_buffer.cleared"));
  }

  private void createItem(JsonNode event, String clientEventId) {
    JsonNode item = event.path("item");
    if ("function_call_output".equals(item.path("type").asText()) || "function_call".equals(item.path("type").asText())) {
      createToolItem(item, clientEventId);
      return;
    }
    String role = item.path("role").asText();
    JsonNode content = item.path("content").path(0);
    String contentType = content.path("type").asText();
    boolean valid = "message".equals(item.path("type").asText())
        && (("user".equals(role) && "input_text".equals(contentType))
        || ("assistant".equals(role) && "output_text".equals(contentType))
        || ("system".equals(role) && "input_text".equals(contentType)));
    if (!valid) {
      error("invalid_request_error", "invalid_value",
          "Invalid conversation item: only text messages can be created here.", "item", clientEventId);
      return;
    }
    String itemId = item.path("id").isTextual() ? item.path("id").asText() : "item_" + shortId();
    String text = content.path("text").asText();
    ObjectNode stored = message(itemId, role, "completed", content.deepCopy());
    String previous = lastItemId;
    addItem(stored, previous);
    emit(event("conversation.item.done").put("previous_item_id", previous).set("item", stored.deepCopy()));
    items.add(new ConversationItem(itemId, role, contentType, text));
  }

  /**
   * A tool's output for a call the model made (checked: a call of this conversation, answered once), or a
   * function call itself (a conversation restored into a new session).
   */
  private void createToolItem(JsonNode item, String clientEventId) {
    boolean output = "function_call_output".equals(item.path("type").asText());
    if (output) {
      Optional<String> problem = tools.acceptOutput(item);
      if (problem.isPresent()) {
        error("invalid_request_error", "invalid_value", "Invalid 'item': " + problem.get() + ".", "item", clientEventId);
        return;
      }
    } else if (!item.path("call_id").isTextual() || !item.path("name").isTextual() || !item.path("arguments").isTextual()) {
      error("invalid_request_error", "invalid_value",
          "Invalid 'item': a function_call needs 'call_id', 'name' and 'arguments'.", "item", clientEventId);
      return;
    } else {
      tools.restored(item.path("call_id").asText(), item.path("name").asText());
    }
    String itemId = item.path("id").isTextual() ? item.path("id").asText() : "item_" + shortId();
    ObjectNode stored = ((ObjectNode) item.deepCopy()).put("id", itemId).put("object", "realtime.item")
        .put("status", "completed");
    String previous = lastItemId;
    addItem(stored, previous);
    emit(event("conversation.item.done").put("previous_item_id", previous).set("item", stored.deepCopy()));
    items.add(output
        ? new ConversationItem(itemId, "tool", "function_call_output", item.path("output").asText())
        : new ConversationItem(itemId, "assistant", "function_call", item.path("arguments").asText()));
  }

  private void responseCreate(JsonNode event, String clientEventId) {
    if (active != null) {
      error("invalid_request_error", "conversation_already_has_active_response",
          "Conversation already has an active response in progress: " + active.id
              + ". Wait until the response is finished before creating a new one.", null, clientEventId);
      return;
    }
    JsonNode metadata = event.path("response").path("metadata");
    startResponse(outputModalities(event.path("response")), metadata.isObject() ? metadata.deepCopy() : null);
  }

  private void responseCancel(String clientEventId) {
    if (active == null) {
      error("invalid_request_error", "response_cancel_not_active",
          "Cancellation failed: no active response found.", null, clientEventId);
      return;
    }
    finishResponse("cancelled", "client_cancelled");
  }

  private String outputModalities(JsonNode responseParams) {
    JsonNode modalities = responseParams != null && responseParams.path("output_modalities").isArray()
        ? responseParams.path("output_modalities") : session.path("output_modalities");
    for (JsonNode m : modalities) {
      if ("audio".equals(m.asText())) {
        return "audio";
      }
    }
    return "text";
  }

  // ---- responses -----------------------------------------------------------------------------------

  private final class Response {
    final String id = "resp_" + shortId();
    final String itemId = "item_" + shortId();
    final boolean audio;
    final List<String> words;
    /** Bytes of PCM16 the answer speaks; each chunk is synthesised as it goes out, so a long answer costs no memory. */
    final int audioBytes;
    final StringBuilder spoken = new StringBuilder();
    int wordIndex;
    int audioOffset;
    long timer = -1;

    /** The metadata of the {@code response.create} that asked for it (null: turn detection's), echoed as GA does. */
    final JsonNode metadata;

    Response(boolean audio, String text, JsonNode metadata) {
      this.audio = audio;
      this.metadata = metadata;
      this.words = splitWords(text);
      this.audioBytes = audio ? Pcm16.bytesOf(config.responseAudioMs()) : 0;
    }
  }

  /**
   * Starts a response; {@code metadata} is that of the {@code response.create} that asked for it (null: turn
   * detection's own), echoed in the response as GA does.
   */
  private void startResponse(String modality, JsonNode metadata) {
    ConversationItem last = answering(metadata);
    if (last != null && "user".equals(last.role())) {
      if (last.text() != null && last.text().contains(RATE_LIMIT_TRIGGER) && rateLimited.add(last.id())) {
        refuseForRateLimit(metadata);
        return;
      }
      Optional<SimulatedTools.Call> call = tools.choose(session, last.text(), "call_" + shortId());
      if (call.isPresent()) {
        callTool(call.get(), metadata);
        return;
      }
    }
    Response response = new Response("audio".equals(modality), answerText(last), metadata);
    active = response;
    responsesCreated.incrementAndGet();
    emit(event("response.created").set("response", responseObject(response, "in_progress", null, null)));
    ObjectNode item = message(response.itemId, "assistant", "in_progress", null);
    emit(event("response.output_item.added").put("response_id", response.id).put("output_index", 0)
        .set("item", item.deepCopy()));
    addItem(item, lastItemId);
    ObjectNode part = response.audio ? Json.object().put("type", "audio").put("transcript", "")
        : Json.object().put("type", "text").put("text", "");
    emit(partEvent("response.content_part.added", response).set("part", part));
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
      emit(partEvent(response.audio ? "response.output_audio_transcript.delta" : "response.output_text.delta",
          response).put("delta", word));
    }
    if (response.audio && response.audioOffset < response.audioBytes) {
      int n = Math.min(Pcm16.bytesOf(CHUNK_MS), response.audioBytes - response.audioOffset);
      String chunk = Base64.getEncoder().encodeToString(
          Pcm16.tone(440, Pcm16.millisOf(n), 0.2, response.audioOffset / Pcm16.BYTES_PER_SAMPLE));
      response.audioOffset += n;
      emit(partEvent("response.output_audio.delta", response).put("delta", chunk));
    }
    if (response.wordIndex >= response.words.size() && response.audioOffset >= response.audioBytes) {
      finishResponse("completed", null);
    }
  }

  /** A response whose one output is a function call, all at once, as the GA API streams it. */
  private void callTool(SimulatedTools.Call call, JsonNode metadata) {
    String responseId = "resp_" + shortId();
    String itemId = "item_" + shortId();
    responsesCreated.incrementAndGet();
    ObjectNode created = Json.object().put("id", responseId).put("object", "realtime.response")
        .put("status", "in_progress").put("conversation_id", conversationId);
    created.putArray("output");
    if (metadata != null) {
      created.set("metadata", metadata.deepCopy());
    }
    emit(event("response.created").set("response", created));
    ObjectNode item = Json.object().put("id", itemId).put("object", "realtime.item").put("type", "function_call")
        .put("status", "in_progress").put("call_id", call.callId()).put("name", call.name()).put("arguments", "");
    emit(event("response.output_item.added").put("response_id", responseId).put("output_index", 0)
        .set("item", item.deepCopy()));
    addItem(item, lastItemId);
    emit(event("response.function_call_arguments.delta").put("response_id", responseId).put("item_id", itemId)
        .put("output_index", 0).put("call_id", call.callId()).put("delta", call.arguments()));
    emit(event("response.function_call_arguments.done").put("response_id", responseId).put("item_id", itemId)
        .put("output_index", 0).put("call_id", call.callId()).put("name", call.name())
        .put("arguments", call.arguments()));
    item.put("status", "completed").put("arguments", call.arguments());
    emit(event("response.output_item.done").put("response_id", responseId).put("output_index", 0)
        .set("item", item.deepCopy()));
    emit(event("conversation.item.done").set("item", item.deepCopy()));
    items.add(new ConversationItem(itemId, "assistant", "function_call", call.arguments()));
    ObjectNode done = Json.object().put("id", responseId).put("object", "realtime.response").put("status", "completed")
        .put("conversation_id", conversationId);
    done.putArray("output").add(item.deepCopy());
    done.putArray("output_modalities").add("text");
    done.set("usage", usage(call.arguments().length() / 4 + 1, 0));
    emit(event("response.done").set("response", done));
    emit(rateLimits());
  }

  private ConversationItem lastItem() {
    synchronized (items) {
      return items.isEmpty() ? null : items.get(items.size() - 1);
    }
  }

  private void finishResponse(String status, String reason) {
    Response response = active;
    active = null;
    vertx.cancelTimer(response.timer);
    String text = response.spoken.toString();
    boolean completed = "completed".equals(status);
    if (completed) {
      if (response.audio) {
        emit(partEvent("response.output_audio.done", response));
        emit(partEvent("response.output_audio_transcript.done", response).put("transcript", text));
        emit(partEvent("response.content_part.done", response)
            .set("part", Json.object().put("type", "audio").put("transcript", text)));
      } else {
        emit(partEvent("response.output_text.done", response).put("text", text));
        emit(partEvent("response.content_part.done", response)
            .set("part", Json.object().put("type", "text").put("text", text)));
      }
    }
    ObjectNode content = response.audio ? Json.object().put("type", "output_audio").put("transcript", text)
        : Json.object().put("type", "output_text").put("text", text);
    ObjectNode item = message(response.itemId, "assistant", completed ? "completed" : "incomplete", content);
    emit(event("response.output_item.done").put("response_id", response.id).put("output_index", 0)
        .set("item", item.deepCopy()));
    emit(event("conversation.item.done").set("item", item.deepCopy()));
    items.add(new ConversationItem(response.itemId, "assistant", content.path("type").asText(), text));
    if (response.audio) {
      spoken.spoke(response.itemId, response.audioOffset);
    }
    emit(event("response.done").set("response", responseObject(response, status, reason, item)));
    emit(rateLimits());
  }

  /**
   * The item a response answers: the one its request's metadata names ({@code voxrelay_answers}, as the relay
   * asks for the answer to one turn), else the conversation's last. This stands in for a model asked about one
   * turn; a real model reads the same conversation.
   */
  private ConversationItem answering(JsonNode metadata) {
    String named = metadata == null ? null : metadata.path("voxrelay_answers").asText(null);
    if (named != null) {
      synchronized (items) {
        for (ConversationItem item : items) {
          if (item.id().equals(named)) {
            return item;
          }
        }
      }
    }
    return lastItem();
  }

  /** The answer to {@code answering}: what it says, or for a note or an answer, the user's turn before it. */
  private String answerText(ConversationItem answering) {
    if (answering != null && "function_call_output".equals(answering.contentType())) {
      return "Thank you. I looked that up: " + answering.text() + " Shall we go on?";
    }
    String lastUser = null;
    synchronized (items) {
      int from = answering == null ? items.size() - 1 : items.indexOf(answering);
      for (int i = from; i >= 0 && lastUser == null; i--) {
        if ("user".equals(items.get(i).role())) {
          lastUser = items.get(i).text();
        }
      }
    }
    return lastUser == null ? "Hello, I am ready when you are."
        : "Thank you. You said: " + lastUser + " Please tell me more.";
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
      r.set("usage", usage(response.spoken.length() / 4, response.audioOffset / 2_000));
    }
    return r;
  }

  /**
   * A response's usage, in GA's shape with its details: the input is the conversation so far (what an earlier
   * response read counts as cached), the output what this response said, as text and as audio.
   */
  private ObjectNode usage(int outputTextTokens, int outputAudioTokens) {
    int inputText = 50;
    int inputAudio = 0;
    synchronized (items) {
      for (ConversationItem item : items) {
        if ("input_audio".equals(item.contentType()) || "output_audio".equals(item.contentType())) {
          inputAudio += 20;
        } else {
          inputText += item.text().length() / 4 + 1;
        }
      }
    }
    int input = inputText + inputAudio;
    int cached = Math.min(input, cachedTokens);
    cachedTokens = input;
    int output = outputTextTokens + outputAudioTokens;
    ObjectNode usage = Json.object().put("total_tokens", input + output).put("input_tokens", input)
        .put("output_tokens", output);
    usage.set("input_token_details", Json.object().put("cached_tokens", cached).put("text_tokens", inputText)
        .put("audio_tokens", inputAudio));
    usage.set("output_token_details", Json.object().put("text_tokens", outputTextTokens)
        .put("audio_tokens", outputAudioTokens));
    synchronized (billed) {
      if (billed.size() >= config.recordedEvents()) {
        billed.remove(0);
      }
      billed.add(usage.deepCopy());
    }
    return usage;
  }

  /** The usage of every response this session finished, as reported in its {@code response.done}. */
  public List<JsonNode> billedUsage() {
    synchronized (billed) {
      return List.copyOf(billed);
    }
  }

  /**
   * The upstream's rate limit refuses this response, as GA reports it: the limits with no tokens left, then a
   * response that failed with {@code rate_limit_exceeded}. The next request for the same item is answered.
   */
  private void refuseForRateLimit(JsonNode metadata) {
    responsesCreated.incrementAndGet();
    ObjectNode limits = event("rate_limits.updated");
    limits.putArray("rate_limits")
        .add(Json.object().put("name", "requests").put("limit", 5000).put("remaining", 4998).put("reset_seconds", 0.012))
        .add(Json.object().put("name", "tokens").put("limit", 400000).put("remaining", 0)
            .put("reset_seconds", RATE_LIMIT_RESET_SECONDS));
    emit(limits);
    ObjectNode refused = Json.object().put("id", "resp_" + shortId()).put("object", "realtime.response")
        .put("status", "failed").put("conversation_id", conversationId);
    refused.set("status_details", Json.object().put("type", "failed")
        .set("error", Json.object().put("type", "tokens").put("code", "rate_limit_exceeded")));
    refused.putArray("output");
    if (metadata != null) {
      refused.set("metadata", metadata.deepCopy());
    }
    emit(event("response.created").set("response", refused.deepCopy().put("status", "in_progress")
        .without("status_details")));
    emit(event("response.done").set("response", refused));
  }

  private ObjectNode rateLimits() {
    ObjectNode event = event("rate_limits.updated");
    ArrayNode limits = event.putArray("rate_limits");
    limits.add(Json.object().put("name", "requests").put("limit", 5000).put("remaining", 4999).put("reset_seconds", 0.012));
    limits.add(Json.object().put("name", "tokens").put("limit", 400000).put("remaining", 399000).put("reset_seconds", 0.15));
    return event;
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  private void addItem(ObjectNode item, String previous) {
    ObjectNode added = event("conversation.item.added");
    if (previous != null) {
      added.put("previous_item_id", previous);
    }
    emit(added.set("item", item.deepCopy()));
    lastItemId = item.path("id").asText();
  }

  private ObjectNode message(String itemId, String role, String status, ObjectNode content) {
    ObjectNode item = Json.object().put("id", itemId).put("object", "realtime.item").put("type", "message")
        .put("status", status).put("role", role);
    ArrayNode contents = item.putArray("content");
    if (content != null) {
      contents.add(content);
    }
    return item;
  }

  private ObjectNode partEvent(String type, Response response) {
    return event(type).put("response_id", response.id).put("item_id", response.itemId)
        .put("output_index", 0).put("content_index", 0);
  }

  private void error(String type, String code, String message, String param, String clientEventId) {
    ObjectNode error = Json.object().put("type", type).put("code", code).put("message", message)
        .put("param", param).put("event_id", clientEventId);
    emit(event("error").set("error", error));
  }

  private ObjectNode event(String type) {
    return Json.object().put("event_id", "event_" + id.substring(5, 11) + eventCounter.incrementAndGet())
        .put("type", type);
  }

  private void emit(JsonNode event) {
    if (!open) {
      return;
    }
    synchronized (emitted) {
      if (emitted.size() >= config.recordedEvents()) {
        emitted.remove(0);
      }
      emitted.add(withoutSamples(event, "response.output_audio.delta", "delta"));
    }
    socket.writeTextMessage(Json.write(event));
  }

  /** {@code event}, or a copy with its {@code field} emptied if it is an audio event of {@code audioType}. */
  private static JsonNode withoutSamples(JsonNode event, String audioType, String field) {
    if (!audioType.equals(event.path("type").asText()) || !(event instanceof ObjectNode object)) {
      return event;
    }
    return object.deepCopy().put(field, "");
  }

  private void expire() {
    error("invalid_request_error", "session_expired",
        "Your session hit the maximum duration of " + config.maxSessionMs() / 60_000 + " minutes.", null, null);
    socket.close((short) 1001, "session expired");
  }

  private void onClosed() {
    open = false;
    closedAt = System.nanoTime();
    vertx.cancelTimer(expiryTimer);
    if (active != null) {
      vertx.cancelTimer(active.timer);
      active = null;
    }
  }

  private ObjectNode initialSession() {
    ObjectNode format = Json.object().put("type", "audio/pcm").put("rate", Pcm16.SAMPLE_RATE);
    ObjectNode input = Json.object();
    input.set("format", format);
    input.set("turn_detection", Json.object().put("type", "server_vad").put("threshold", 0.5)
        .put("prefix_padding_ms", 300).put("silence_duration_ms", 500)
        .put("create_response", true).put("interrupt_response", true));
    ObjectNode output = Json.object();
    output.set("format", format.deepCopy());
    output.put("voice", "alloy");
    ObjectNode audio = Json.object();
    audio.set("input", input);
    audio.set("output", output);
    ObjectNode s = Json.object().put("type", "realtime").put("object", "realtime.session").put("id", id)
        .put("model", model).put("expires_at", System.currentTimeMillis() / 1000 + config.maxSessionMs() / 1000)
        .put("instructions", "");
    s.putArray("output_modalities").add("audio");
    s.set("audio", audio);
    return s;
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

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }
}
