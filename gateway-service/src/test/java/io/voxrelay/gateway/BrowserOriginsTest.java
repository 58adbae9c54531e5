package io.voxrelay.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("BrowserOrigins: the gateway's own origin, and the configured ones or localhost")
class BrowserOriginsTest {

  @Test
  @DisplayName("by default: no Origin (no browser page), the gateway's own origin, and localhost pages")
  void defaults() {
    BrowserOrigins origins = BrowserOrigins.of(List.of());
    assertThat(origins.allows(null, "voice.example.com")).isTrue();
    assertThat(origins.allows("https://voice.example.com", "voice.example.com")).isTrue();
    assertThat(origins.allows("http://localhost:5173", "127.0.0.1:8080")).isTrue();
    assertThat(origins.allows("http://127.0.0.1:3000", "127.0.0.1:8080")).isTrue();
    assertThat(origins.allows("https://evil.example", "127.0.0.1:8080")).isFalse();
    assertThat(origins.allows("null", "127.0.0.1:8080")).as("a sandboxed page").isFalse();
  }

  @Test
  @DisplayName("configured: exactly those (and the gateway's own), or any with *")
  void configured() {
    BrowserOrigins origins = BrowserOrigins.of(List.of("https://app.example.com/"));
    assertThat(origins.allows("https://app.example.com", "gw.example.com")).isTrue();
    assertThat(origins.allows("https://gw.example.com", "gw.example.com")).isTrue();
    assertThat(origins.allows("http://localhost:5173", "gw.example.com")).isFalse();
    assertThat(BrowserOrigins.of(List.of("*")).allows("https://anything.example", "gw")).isTrue();
  }
}
