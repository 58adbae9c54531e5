package io.voxrelay.common.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The relay's upstream provider settings")
class UpstreamEndpointTest {

  private static UpstreamEndpoint upstream(Map<String, String> env) {
    return RelayConfig.fromEnv(new Env(env)).upstream();
  }

  @Test
  @DisplayName("openai by default: OpenAI's endpoint, gpt-realtime, OPENAI_API_KEY, 60-minute sessions")
  void openAiByDefault() {
    UpstreamEndpoint openai = upstream(Map.of("OPENAI_API_KEY", "sk-1"));
    assertThat(openai.provider()).isEqualTo(UpstreamProvider.OPENAI);
    assertThat(openai.url()).isEqualTo("wss://api.openai.com/v1/realtime");
    assertThat(openai.model()).isEqualTo("gpt-realtime");
    assertThat(openai.key()).map(Secret::reveal).contains("sk-1");
    assertThat(openai.maxSessionMs()).isEqualTo(60 * 60_000);
  }

  @Test
  @DisplayName("azure: its resource's URL (required), the deployment as the model, AZURE_OPENAI_API_KEY, 30-minute "
      + "sessions unless set")
  void azure() {
    String url = "wss://voice.openai.azure.com/openai/v1/realtime";
    UpstreamEndpoint azure = upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure", "VOXRELAY_UPSTREAM_URL", url,
        "VOXRELAY_UPSTREAM_MODEL", "voice-deployment", "AZURE_OPENAI_API_KEY", "az-1", "OPENAI_API_KEY", "sk-1"));
    assertThat(azure.provider()).isEqualTo(UpstreamProvider.AZURE);
    assertThat(azure.url()).isEqualTo(url);
    assertThat(azure.model()).isEqualTo("voice-deployment");
    assertThat(azure.key()).as("Azure's own key, not OpenAI's").map(Secret::reveal).contains("az-1");
    assertThat(azure.maxSessionMs()).isEqualTo(30 * 60_000);
    assertThat(azure.toString()).contains("azure", url, "voice-deployment").doesNotContain("az-1");

    assertThat(upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure", "VOXRELAY_UPSTREAM_URL", url,
        "VOXRELAY_UPSTREAM_MAX_SESSION_MS", "600000")).maxSessionMs()).isEqualTo(600_000);
    assertThatThrownBy(() -> upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure")))
        .hasMessageContaining("VOXRELAY_UPSTREAM_URL is required").hasMessageContaining("openai.azure.com");
  }

  @Test
  @DisplayName("a bad provider, a key in clear or a rollover margin past the provider's cap fails start-up, naming "
      + "the setting")
  void refused() {
    assertThatThrownBy(() -> upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "bard")))
        .hasMessageContaining("VOXRELAY_UPSTREAM_PROVIDER").hasMessageContaining("openai | azure");
    assertThatThrownBy(() -> upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure", "AZURE_OPENAI_API_KEY", "az-1",
        "VOXRELAY_UPSTREAM_URL", "ws://voice.openai.azure.com/openai/v1/realtime")))
        .hasMessageContaining("VOXRELAY_UPSTREAM_URL").hasMessageContaining("AZURE_OPENAI_API_KEY")
        .hasMessageNotContaining("az-1");
    assertThatThrownBy(() -> upstream(Map.of("VOXRELAY_UPSTREAM_URL", "http://sim/v1/realtime")))
        .hasMessageContaining("ws:// or wss://");
    assertThatThrownBy(() -> upstream(Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure",
        "VOXRELAY_UPSTREAM_URL", "wss://voice.openai.azure.com/openai/v1/realtime",
        "VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS", String.valueOf(31 * 60_000))))
        .hasMessageContaining("VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS").hasMessageContaining("azure");
  }

  @Test
  @DisplayName("a fallback only when VOXRELAY_FALLBACK_PROVIDER is set, with its own URL, model, key and cap")
  void fallback() {
    assertThat(RelayConfig.fromEnv(new Env(Map.of())).fallback()).isEmpty();
    String url = "wss://voice.openai.azure.com/openai/v1/realtime";
    RelayConfig config = RelayConfig.fromEnv(new Env(Map.of("OPENAI_API_KEY", "sk-1",
        "VOXRELAY_FALLBACK_PROVIDER", "azure", "VOXRELAY_FALLBACK_URL", url, "VOXRELAY_FALLBACK_MODEL", "voice-2",
        "AZURE_OPENAI_API_KEY", "az-2")));
    assertThat(config.upstream().provider()).isEqualTo(UpstreamProvider.OPENAI);
    UpstreamEndpoint fallback = config.fallback().orElseThrow();
    assertThat(fallback.provider()).isEqualTo(UpstreamProvider.AZURE);
    assertThat(fallback.url()).isEqualTo(url);
    assertThat(fallback.model()).isEqualTo("voice-2");
    assertThat(fallback.key()).map(Secret::reveal).contains("az-2");
    assertThat(fallback.maxSessionMs()).isEqualTo(30 * 60_000);
    assertThat(config.providerCooldownMs()).isEqualTo(60_000);

    assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(Map.of("VOXRELAY_FALLBACK_PROVIDER", "azure"))))
        .hasMessageContaining("VOXRELAY_FALLBACK_URL is required");
    assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(Map.of("VOXRELAY_FALLBACK_PROVIDER", "azure",
        "VOXRELAY_FALLBACK_URL", url, "VOXRELAY_FALLBACK_MAX_SESSION_MS", "120000"))))
        .hasMessageContaining("VOXRELAY_FALLBACK_MAX_SESSION_MS");
  }
}
