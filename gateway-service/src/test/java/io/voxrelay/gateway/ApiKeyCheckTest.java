package io.voxrelay.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Callers allowed to create sessions without a key")
class ApiKeyCheckTest {

  @Test
  @DisplayName("are loopback addresses only")
  void loopbackOnly() {
    assertThat(ApiKeyCheck.isLoopback("127.0.0.1")).isTrue();
    assertThat(ApiKeyCheck.isLoopback("127.3.4.5")).isTrue();
    assertThat(ApiKeyCheck.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(ApiKeyCheck.isLoopback("192.0.2.7")).isFalse();
    assertThat(ApiKeyCheck.isLoopback("10.0.0.1")).isFalse();
    assertThat(ApiKeyCheck.isLoopback(null)).isFalse();
  }
}
