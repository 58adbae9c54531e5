package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.config.Env;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bounds on a session's upstream options, from {@code POST /v1/sessions} ({@code upstream}) or from the
 * relay's {@code VOXRELAY_*} defaults: the one place they are checked. A refusal is an
 * {@link IllegalArgumentException} naming the field.
 */
public final class UpstreamOptionRules {

  public static final int MAX_OUTPUT_TOKENS = 4_096;
  public static final int MAX_PREFIX_PADDING_MS = 5_000;
  public static final int MIN_SILENCE_MS = 100;
  public static final int MAX_SILENCE_MS = 10_000;
  private static final Set<String> FIELDS = Set.of("turnDetection", "transcriptionModel", "noiseReduction", "voice",
      "maxOutputTokens", "truncation");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private UpstreamOptionRules() {
  }

  /** Reads the {@code upstream} object of a creation request (missing or null: nothing set). */
  public static UpstreamOptions parse(JsonNode upstream) {
    if (upstream == null || upstream.isNull() || upstream.isMissingNode()) {
      return UpstreamOptions.NONE;
    }
    if (!upstream.isObject()) {
      throw new IllegalArgumentException("'upstream' must be an object");
    }
    for (Iterator<String> names = upstream.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("'upstream' has an unknown field (allowed: " + String.join(", ",
            FIELDS.stream().sorted().toList()) + ")");
      }
    }
    String detection = null;
    Double threshold = null;
    Integer padding = null;
    Integer silence = null;
    String eagerness = null;
    JsonNode td = upstream.path("turnDetection");
    if (!td.isMissingNode() && !td.isNull()) {
      if (!td.isObject()) {
        throw new IllegalArgumentException("'upstream.turnDetection' must be an object");
      }
      detection = td.path("type").asText("");
      if (detection.equals("server_vad")) {
        threshold = td.has("threshold") ? number(td.get("threshold"), "upstream.turnDetection.threshold") : null;
        padding = td.has("prefixPaddingMs") ? integer(td.get("prefixPaddingMs"), "upstream.turnDetection.prefixPaddingMs")
            : null;
        silence = td.has("silenceDurationMs")
            ? integer(td.get("silenceDurationMs"), "upstream.turnDetection.silenceDurationMs") : null;
      } else if (detection.equals("semantic_vad")) {
        eagerness = td.has("eagerness") ? td.get("eagerness").asText() : null;
      } else {
        throw new IllegalArgumentException("'upstream.turnDetection.type' must be server_vad or semantic_vad");
      }
    }
    String truncation = null;
    Double ratio = null;
    JsonNode tr = upstream.path("truncation");
    if (!tr.isMissingNode() && !tr.isNull()) {
      if (tr.isTextual()) {
        truncation = tr.asText();
      } else if (tr.isObject() && "retention_ratio".equals(tr.path("type").asText())) {
        truncation = "retention_ratio";
        ratio = number(tr.path("retentionRatio"), "upstream.truncation.retentionRatio");
      } else {
        throw new IllegalArgumentException(
            "'upstream.truncation' must be auto, disabled or {\"type\":\"retention_ratio\",\"retentionRatio\":…}");
      }
    }
    UpstreamOptions options = new UpstreamOptions(detection, threshold, padding, silence, eagerness,
        text(upstream.path("transcriptionModel"), "upstream.transcriptionModel"),
        text(upstream.path("noiseReduction"), "upstream.noiseReduction"),
        text(upstream.path("voice"), "upstream.voice"),
        upstream.has("maxOutputTokens") && !upstream.get("maxOutputTokens").isNull()
            ? integer(upstream.get("maxOutputTokens"), "upstream.maxOutputTokens") : null,
        truncation, ratio);
    check(options);
    return options;
  }

  /** The relay's defaults, from {@code VOXRELAY_*} settings (checked like a session's). */
  public static UpstreamOptions defaults(Env env) {
    String detection = env.string("VOXRELAY_TURN_DETECTION", "server_vad");
    boolean server = detection.equals("server_vad");
    String truncation = env.string("VOXRELAY_TRUNCATION", "auto");
    UpstreamOptions options = new UpstreamOptions(detection,
        server ? Double.parseDouble(env.string("VOXRELAY_VAD_THRESHOLD", "0.5")) : null,
        server ? env.integer("VOXRELAY_VAD_PREFIX_PADDING_MS", 300) : null,
        server ? env.integer("VOXRELAY_VAD_SILENCE_MS", 500) : null,
        server ? null : env.string("VOXRELAY_VAD_EAGERNESS", "auto"),
        env.string("VOXRELAY_TRANSCRIPTION_MODEL", "gpt-4o-mini-transcribe"),
        env.string("VOXRELAY_NOISE_REDUCTION", "off"),
        env.string("VOXRELAY_UPSTREAM_VOICE", "alloy"),
        env.optional("VOXRELAY_MAX_OUTPUT_TOKENS").map(v -> {
          try {
            return Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VOXRELAY_MAX_OUTPUT_TOKENS must be a whole number");
          }
        }).orElse(null),
        truncation,
        truncation.equals("retention_ratio") ? Double.parseDouble(env.string("VOXRELAY_TRUNCATION_RETENTION_RATIO",
            "0.8")) : null);
    try {
      check(options);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("upstream defaults (VOXRELAY_*): " + e.getMessage());
    }
    return options;
  }

  /** Checks each value set against its bounds. */
  static void check(UpstreamOptions o) {
    if (o.vadThreshold() != null && (o.vadThreshold() < 0 || o.vadThreshold() > 1)) {
      throw new IllegalArgumentException("'turnDetection.threshold' must be from 0 to 1");
    }
    if (o.vadPrefixPaddingMs() != null && (o.vadPrefixPaddingMs() < 0 || o.vadPrefixPaddingMs() > MAX_PREFIX_PADDING_MS)) {
      throw new IllegalArgumentException("'turnDetection.prefixPaddingMs' must be from 0 to " + MAX_PREFIX_PADDING_MS);
    }
    if (o.vadSilenceMs() != null && (o.vadSilenceMs() < MIN_SILENCE_MS || o.vadSilenceMs() > MAX_SILENCE_MS)) {
      throw new IllegalArgumentException("'turnDetection.silenceDurationMs' must be from " + MIN_SILENCE_MS + " to "
          + MAX_SILENCE_MS);
    }
    if (o.vadEagerness() != null && !Set.of("low", "medium", "high", "auto").contains(o.vadEagerness())) {
      throw new IllegalArgumentException("'turnDetection.eagerness' must be low, medium, high or auto");
    }
    if (o.transcriptionModel() != null && !NAME.matcher(o.transcriptionModel()).matches()) {
      throw new IllegalArgumentException("'transcriptionModel' must be a model name (lowercase letters, digits, . _ -)");
    }
    if (o.noiseReduction() != null && !Set.of("near_field", "far_field", "off").contains(o.noiseReduction())) {
      throw new IllegalArgumentException("'noiseReduction' must be near_field, far_field or off");
    }
    if (o.voice() != null && !NAME.matcher(o.voice()).matches()) {
      throw new IllegalArgumentException("'voice' must be a voice name (lowercase letters, digits, . _ -)");
    }
    if (o.maxOutputTokens() != null && (o.maxOutputTokens() < 1 || o.maxOutputTokens() > MAX_OUTPUT_TOKENS)) {
      throw new IllegalArgumentException("'maxOutputTokens' must be from 1 to " + MAX_OUTPUT_TOKENS);
    }
    if (o.truncation() != null && !Set.of("auto", "disabled", "retention_ratio").contains(o.truncation())) {
      throw new IllegalArgumentException("'truncation' must be auto, disabled or retention_ratio");
    }
    if ("retention_ratio".equals(o.truncation())
        && (o.retentionRatio() == null || o.retentionRatio() <= 0 || o.retentionRatio() >= 1)) {
      throw new IllegalArgumentException("'truncation.retentionRatio' must be above 0 and below 1");
    }
  }

  private static double number(JsonNode node, String field) {
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException("'" + field + "' must be a number");
    }
    return node.asDouble();
  }

  private static int integer(JsonNode node, String field) {
    if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new IllegalArgumentException("'" + field + "' must be a whole number");
    }
    return node.asInt();
  }

  private static String text(JsonNode node, String field) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return node.asText();
  }
}
