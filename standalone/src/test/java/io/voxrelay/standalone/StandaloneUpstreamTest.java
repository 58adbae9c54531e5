package io.voxrelay.standalone;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.UpstreamProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The standalone run's upstream")
class StandaloneUpstreamTest {

  @Test
  @DisplayName("is the bundled simulator when nothing is configured")
  void simulatorByDefault() {
    assertThat(Standalone.usesSimulator(new Env(Map.of()), UpstreamProvider.OPENAI)).isTrue();
  }

  @Test
  @DisplayName("is OpenAI's GA endpoint when only OPENAI_API_KEY is set")
  void openAiWithAKey() {
    Env env = new Env(Map.of("OPENAI_API_KEY", "sk-test"));
    assertThat(Standalone.usesSimulator(env, UpstreamProvider.OPENAI)).isFalse();
    assertThat(RelayConfig.fromEnv(env).upstream().url()).isEqualTo("wss://api.openai.com/v1/realtime");
  }

  @Test
  @DisplayName("is the configured URL when VOXRELAY_UPSTREAM_URL is set")
  void explicitUrl() {
    Env env = new Env(Map.of("VOXRELAY_UPSTREAM_URL", "ws://127.0.0.1:9/v1/realtime"));
    assertThat(Standalone.usesSimulator(env, UpstreamProvider.OPENAI)).isFalse();
    assertThat(RelayConfig.fromEnv(env).upstream().url()).isEqualTo("ws://127.0.0.1:9/v1/realtime");
  }
}
