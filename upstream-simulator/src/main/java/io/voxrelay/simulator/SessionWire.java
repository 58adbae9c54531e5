package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One simulated session's socket and the GA events on it: each event built with its id, sent while the socket
 * is open, and kept for inspection each way (the last {@code recordedEvents}, oldest dropped first; audio without
 * its samples, an empty string still valid to the schema, or a long answer would hold megabytes per session).
 * Sends on the simulator's event loop; the records may be read from any thread.
 */
final class SessionWire {

  private final Consumer<String> socket;
  private final String eventPrefix;
  private final int recordedEvents;
  private final AtomicInteger eventCounter = new AtomicInteger();
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonNode> emitted = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean open = true;

  /**
   * @param socket    writes a text frame to the client
   * @param sessionId the session's id ({@code sess_…}): its events' ids carry part of it
   */
  SessionWire(Consumer<String> socket, String sessionId, int recordedEvents) {
    this.socket = socket;
    this.eventPrefix = "event_" + sessionId.substring(5, 11);
    this.recordedEvents = recordedEvents;
  }

  /** A new id: {@code prefix} and 20 random hex digits. */
  static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  /** A new server event of {@code type}, with its {@code event_id}. */
  ObjectNode event(String type) {
    return Json.object().put("event_id", eventPrefix + eventCounter.incrementAndGet()).put("type", type);
  }

  /** A GA conversation item of type {@code message} (no content when {@code content} is null). */
  static ObjectNode message(String itemId, String role, String status, ObjectNode content) {
    ObjectNode item = Json.object().put("id", itemId).put("object", "realtime.item").put("type", "message")
        .put("status", status).put("role", role);
    ArrayNode contents = item.putArray("content");
    if (content != null) {
      contents.add(content);
    }
    return item;
  }

  /** Sends an {@code error} event with GA's error fields. */
  void error(String type, String code, String message, String param, String clientEventId) {
    ObjectNode error = Json.object().put("type", type).put("code", code).put("message", message)
        .put("param", param).put("event_id", clientEventId);
    emit(event("error").set("error", error));
  }

  /** Sends {@code event}, and keeps it for inspection; nothing once the socket closed. */
  void emit(JsonNode event) {
    if (!open) {
      return;
    }
    keep(emitted, withoutSamples(event, "response.output_audio.delta", "delta"));
    socket.accept(Json.write(event));
  }

  /** Keeps a client event for inspection. */
  void received(JsonNode event) {
    keep(received, withoutSamples(event, "input_audio_buffer.append", "audio"));
  }

  void closed() {
    open = false;
  }

  boolean isOpen() {
    return open;
  }

  List<JsonNode> receivedEvents() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  List<JsonNode> emittedEvents() {
    synchronized (emitted) {
      return List.copyOf(emitted);
    }
  }

  private void keep(List<JsonNode> record, JsonNode event) {
    synchronized (record) {
      if (record.size() >= recordedEvents) {
        record.remove(0);
      }
      record.add(event);
    }
  }

  /** {@code event}, or a copy with its {@code field} emptied if it is an audio event of {@code audioType}. */
  private static JsonNode withoutSamples(JsonNode event, String audioType, String field) {
    if (!audioType.equals(event.path("type").asText()) || !(event instanceof ObjectNode object)) {
      return event;
    }
    return object.deepCopy().put(field, "");
  }
}
