package io.voxrelay.common.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Webhook and tool settings")
class BackendConfigTest {

  @Test
  @DisplayName("are off by default, and on with a URL and its secret (tools fall back to the webhook secret)")
  void readsTheSettings() {
    assertThat(WebhookConfig.fromEnv(new Env(Map.of())).enabled()).isFalse();
    assertThat(ToolConfig.fromEnv(new Env(Map.of())).enabled()).isFalse();
    WebhookConfig hooks = WebhookConfig.fromEnv(new Env(Map.of("VOXRELAY_WEBHOOK_URL", "https://app.example/hooks",
        "VOXRELAY_WEBHOOK_SECRET", "s3cret", "VOXRELAY_WEBHOOK_MAX_QUEUED", "10")));
    assertThat(hooks.enabled()).isTrue();
    assertThat(hooks.maxQueued()).isEqualTo(10);
    assertThat(hooks.toString()).doesNotContain("s3cret");
    ToolConfig tools = ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "http://127.0.0.1:9/tools",
        "VOXRELAY_WEBHOOK_SECRET", "s3cret")));
    assertThat(tools.secret().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(tools.timeoutMs()).isEqualTo(ToolConfig.TIMEOUT_MS);
  }

  @Test
  @DisplayName("refuse a URL without a secret, one that is not http(s), and one that is not a URL, naming the variable")
  void refusesBadSettings() {
    assertThatThrownBy(() -> WebhookConfig.fromEnv(new Env(Map.of("VOXRELAY_WEBHOOK_URL", "https://app.example/h"))))
        .hasMessageContaining("VOXRELAY_WEBHOOK_SECRET");
    assertThatThrownBy(() -> ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "ftp://app.example/t",
        "VOXRELAY_TOOL_SECRET", "x")))).hasMessageContaining("http or https");
    assertThatThrownBy(() -> ToolConfig.fromEnv(new Env(Map.of("VOXRELAY_TOOL_URL", "http://bad host/",
        "VOXRELAY_TOOL_SECRET", "x")))).hasMessageContaining("VOXRELAY_TOOL_URL");
  }
}
