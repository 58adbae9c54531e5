package io.voxrelay.common.protocol;

import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A session's upstream options")
class UpstreamOptionRulesTest {

  private static UpstreamOptions parse(String json) {
    return UpstreamOptionRules.parse(Json.parse(json));
  }

  @Test
  @DisplayName("read every option, and leave unset ones to the relay's defaults (a turn detection of its own replaces the default's)")
  void readsAndMerges() {
    UpstreamOptions own = parse("{\"turnDetection\":{\"type\":\"semantic_vad\",\"eagerness\":\"high\"},"
        + "\"transcriptionModel\":\"gpt-4o-transcribe\",\"noiseReduction\":\"near_field\",\"voice\":\"marin\","
        + "\"maxOutputTokens\":512,\"truncation\":{\"type\":\"retention_ratio\",\"retentionRatio\":0.7}}");
    assertThat(own).isEqualTo(new UpstreamOptions("semantic_vad", null, null, null, "high", "gpt-4o-transcribe",
        "near_field", "marin", 512, "retention_ratio", 0.7));
    UpstreamOptions defaults = UpstreamOptionRules.defaults(new Env(Map.of()));
    assertThat(defaults.turnDetection()).isEqualTo("server_vad");
    assertThat(defaults.vadSilenceMs()).isEqualTo(500);
    assertThat(defaults.voice()).isEqualTo("alloy");
    UpstreamOptions effective = own.or(defaults);
    assertThat(effective.vadSilenceMs()).as("server VAD's settings do not leak into semantic VAD").isNull();
    assertThat(effective.voice()).isEqualTo("marin");
    UpstreamOptions voiceOnly = parse("{\"voice\":\"cedar\"}").or(defaults);
    assertThat(voiceOnly.turnDetection()).isEqualTo("server_vad");
    assertThat(voiceOnly.vadThreshold()).isEqualTo(0.5);
    assertThat(voiceOnly.truncation()).isEqualTo("auto");
    assertThat(UpstreamOptionRules.parse(null)).isEqualTo(UpstreamOptions.NONE);
    assertThat(UpstreamOptionRules.defaults(new Env(Map.of("VOXRELAY_TURN_DETECTION", "semantic_vad",
        "VOXRELAY_MAX_OUTPUT_TOKENS", "300"))).maxOutputTokens()).isEqualTo(300);
  }

  @Test
  @DisplayName("refuse values past their bounds, naming the field; bad defaults fail start-up")
  void refuses() {
    assertThatThrownBy(() -> parse("{\"turnDetection\":{\"type\":\"magic\"}}")).hasMessageContaining("turnDetection.type");
    assertThatThrownBy(() -> parse("{\"turnDetection\":{\"type\":\"server_vad\",\"threshold\":1.5}}"))
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> parse("{\"turnDetection\":{\"type\":\"server_vad\",\"silenceDurationMs\":50}}"))
        .hasMessageContaining("silenceDurationMs");
    assertThatThrownBy(() -> parse("{\"turnDetection\":{\"type\":\"semantic_vad\",\"eagerness\":\"eager\"}}"))
        .hasMessageContaining("eagerness");
    assertThatThrownBy(() -> parse("{\"noiseReduction\":\"studio\"}")).hasMessageContaining("noiseReduction");
    assertThatThrownBy(() -> parse("{\"voice\":\"Not A Voice\"}")).hasMessageContaining("voice");
    assertThatThrownBy(() -> parse("{\"maxOutputTokens\":0}")).hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> parse("{\"maxOutputTokens\":1.5}")).hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> parse("{\"truncation\":{\"type\":\"retention_ratio\",\"retentionRatio\":1}}"))
        .hasMessageContaining("retentionRatio");
    assertThatThrownBy(() -> parse("{\"truncation\":\"sometimes\"}")).hasMessageContaining("truncation");
    assertThatThrownBy(() -> parse("{\"speed\":2}")).hasMessageContaining("unknown field");
    assertThatThrownBy(() -> UpstreamOptionRules.defaults(new Env(Map.of("VOXRELAY_NOISE_REDUCTION", "loud"))))
        .hasMessageContaining("VOXRELAY_");
  }
}
