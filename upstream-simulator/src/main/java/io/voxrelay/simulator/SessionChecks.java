package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.Set;

/**
 * The simulator's checks of a {@code session.update}'s upstream options, refused as the GA API refuses them
 * ({@code invalid_value} on the parameter): turn detection, noise reduction, the output token limit and
 * truncation.
 */
final class SessionChecks {

  /** A refused parameter and why. */
  record Problem(String param, String message) {
  }

  private SessionChecks() {
  }

  static Optional<Problem> check(JsonNode session) {
    JsonNode input = session.path("audio").path("input");
    JsonNode td = input.path("turn_detection");
    if (td.isObject()) {
      String type = td.path("type").asText();
      if (!Set.of("server_vad", "semantic_vad").contains(type)) {
        return problem("session.audio.input.turn_detection.type", "expected 'server_vad' or 'semantic_vad'");
      }
      if (td.has("threshold") && (td.path("threshold").asDouble(-1) < 0 || td.path("threshold").asDouble() > 1)) {
        return problem("session.audio.input.turn_detection.threshold", "expected a number from 0 to 1");
      }
      if (td.has("eagerness") && !Set.of("low", "medium", "high", "auto").contains(td.path("eagerness").asText())) {
        return problem("session.audio.input.turn_detection.eagerness", "expected low, medium, high or auto");
      }
    }
    JsonNode noise = input.path("noise_reduction");
    if (noise.isObject() && !Set.of("near_field", "far_field").contains(noise.path("type").asText())) {
      return problem("session.audio.input.noise_reduction.type", "expected 'near_field' or 'far_field'");
    }
    JsonNode max = session.path("max_output_tokens");
    if (!max.isMissingNode() && !("inf".equals(max.asText()) || max.isInt() && max.asInt() >= 1 && max.asInt() <= 4096)) {
      return problem("session.max_output_tokens", "expected an integer from 1 to 4096, or 'inf'");
    }
    JsonNode truncation = session.path("truncation");
    if (truncation.isTextual() && !Set.of("auto", "disabled").contains(truncation.asText())
        || truncation.isObject() && !(("retention_ratio".equals(truncation.path("type").asText()))
        && truncation.path("retention_ratio").asDouble(-1) > 0 && truncation.path("retention_ratio").asDouble() < 1)) {
      return problem("session.truncation", "expected 'auto', 'disabled' or a retention_ratio between 0 and 1");
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String param, String message) {
    return Optional.of(new Problem(param, "Invalid value for '" + param + "': " + message + "."));
  }
}
