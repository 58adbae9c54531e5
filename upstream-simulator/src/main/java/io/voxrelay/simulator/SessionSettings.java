package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.json.Json;

import java.util.List;
import java.util.Optional;

/**
 * One simulated session's configuration: GA's defaults, then each {@code session.update} checked (beta fields
 * and bad values refused with GA's errors) and merged in, reported by {@code session.updated}. Changed on the
 * simulator's event loop.
 */
final class SessionSettings {

  private final SessionWire wire;
  private final EnergyVad vad;
  private final ObjectNode session;

  /** @param expiresAtSeconds when the session expires (epoch seconds), as GA reports it */
  SessionSettings(SessionWire wire, EnergyVad vad, String id, String model, long expiresAtSeconds) {
    this.wire = wire;
    this.vad = vad;
    this.session = initial(id, model, expiresAtSeconds);
  }

  /** A copy of the effective configuration. */
  ObjectNode copy() {
    return session.deepCopy();
  }

  String instructions() {
    return session.path("instructions").asText();
  }

  /** The turn detection configured (a missing node when it is off). */
  JsonNode turnDetection() {
    return session.path("audio").path("input").path("turn_detection");
  }

  /** The modality a response answers in: the request's own {@code output_modalities}, else the session's. */
  String outputModalities(JsonNode responseParams) {
    JsonNode modalities = responseParams != null && responseParams.path("output_modalities").isArray()
        ? responseParams.path("output_modalities") : session.path("output_modalities");
    for (JsonNode m : modalities) {
      if ("audio".equals(m.asText())) {
        return "audio";
      }
    }
    return "text";
  }

  /** The configuration itself, for reading (the tools a response may call). */
  ObjectNode session() {
    return session;
  }

  /** A client's {@code session.update}: refused with GA's error, or merged in and reported. */
  void update(JsonNode event, String clientEventId) {
    JsonNode update = event.path("session");
    if (!update.isObject()) {
      wire.error("invalid_request_error", "missing_required_parameter", "Missing required parameter: 'session'.",
          "session", clientEventId);
      return;
    }
    if (!"realtime".equals(update.path("type").asText())) {
      wire.error("invalid_request_error", "missing_required_parameter",
          "Missing required parameter: 'session.type'.", "session.type", clientEventId);
      return;
    }
    for (String beta : List.of("modalities", "input_audio_format", "output_audio_format", "voice",
        "turn_detection", "input_audio_transcription")) {
      if (update.has(beta)) {
        wire.error("invalid_request_error", "unknown_parameter", "Unknown parameter: 'session." + beta + "'.",
            "session." + beta, clientEventId);
        return;
      }
    }
    Optional<SessionChecks.Problem> problem = SessionChecks.check(update);
    if (problem.isPresent()) {
      wire.error("invalid_request_error", "invalid_value", problem.get().message(), problem.get().param(),
          clientEventId);
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
    wire.emit(wire.event("session.updated").set("session", session.deepCopy()));
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

  private static ObjectNode initial(String id, String model, long expiresAtSeconds) {
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
        .put("model", model).put("expires_at", expiresAtSeconds).put("instructions", "");
    s.putArray("output_modalities").add("audio");
    s.set("audio", audio);
    return s;
  }
}
