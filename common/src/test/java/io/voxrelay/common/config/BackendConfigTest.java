package io.voxrelay.common.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Webhook and tool settings")
class BackendConfigTest {

  @Test
  @DisplayName("are off by default, and on with a URL and its own secret")
  void readsTheSettings() {
    assertThat(WebhookConfig.fromEnv(new Env(Map.of())).enabled()).isFalse();
    assertThat(ToolConfig.fromEnv(new Env(Map.of())).enabled()).isFalse();
    WebhookConfig hooks = WebhookConfig.fromEnv(new Env(Map.of("VOXRELAY_WEBHOOK_URL", "https://app.example/hooks",
        "VOXRELAY_WEBHOOK_SECRET", "s3cret", "VOXRELAY_WEBHOOK_MAX_QUEUED", "10")));
    assertThat(hooks.enabled()).isTrue();
    assertThat(hooks.maxQueued()).isEqualTo(10);
    assertThat(hooks.toString()).doesNotContain("s3cret");
    ToolConfig tools = ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "http://127.0.0.1:9/tools",
        "VOXRELAY_TOOL_SECRET", "t00l", "VOXRELAY_WEBHOOK_SECRET", "s3cret")));
    assertThat(tools.secret().orElseThrow().reveal()).isEqualTo("t00l");
    assertThat(tools.timeoutMs()).isEqualTo(ToolConfig.TIMEOUT_MS);
  }

  @Test
  @DisplayName("refuse a URL without a secret, one that is not http(s), and one that is not a URL, naming the variable")
  void refusesBadSettings() {
    assertThatThrownBy(() -> WebhookConfig.fromEnv(new Env(Map.of("VOXRELAY_WEBHOOK_URL", "https://app.example/h"))))
        .hasMessageContaining("VOXRELAY_WEBHOOK_SECRET");
    assertThatThrownBy(() -> ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "https://app.example/t",
        "VOXRELAY_WEBHOOK_SECRET", "s3cret")))).as("one secret per endpoint").hasMessageContaining("VOXRELAY_TOOL_SECRET");
    assertThatThrownBy(() -> ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "ftp://app.example/t",
        "VOXRELAY_TOOL_SECRET", "x")))).hasMessageContaining("http or https");
    assertThatThrownBy(() -> ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "http://bad host/",
        "VOXRELAY_TOOL_SECRET", "x")))).hasMessageContaining("VOXRELAY_TOOL_URL");
  }

  @Test
  @DisplayName("a relay with an upstream key refuses a ws:// upstream on another host, naming the setting; loopback and wss:// are fine")
  void upstreamKeyNeverInClear() {
    Map<String, String> key = Map.of("OPENAI_API_KEY", "sk-test");
    assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(merge(key, "ws://upstream.example:8080/v1/realtime"))))
        .hasMessageContaining("VOXRELAY_UPSTREAM_URL").hasMessageNotContaining("sk-test");
    assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(merge(key, "ws://10.0.0.7/v1/realtime"))))
        .hasMessageContaining("wss://");
    for (String fine : new String[] {"ws://127.0.0.1:9/v1/realtime", "ws://localhost:9/", "ws://[::1]:9/",
        "wss://upstream.example/v1/realtime"}) {
      assertThat(RelayConfig.fromEnv(new Env(merge(key, fine))).upstream().url()).isEqualTo(fine);
    }
    assertThat(RelayConfig.fromEnv(new Env(Map.of("VOXRELAY_UPSTREAM_URL", "ws://simulator:8090/v1/realtime")))
        .upstream().url()).as("without a key there is nothing to leak").startsWith("ws://simulator");
  }

  private static Map<String, String> merge(Map<String, String> env, String upstreamUrl) {
    java.util.Map<String, String> all = new java.util.HashMap<>(env);
    all.put("VOXRELAY_UPSTREAM_URL", upstreamUrl);
    return all;
  }
}
