package io.voxrelay.common.net;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Loopback hosts")
class LoopbackHostsTest {

  @Test
  @DisplayName("are localhost and loopback IP literals, bracketed or not; nothing is looked up")
  void loopbackOnly() {
    for (String loopback : new String[] {"127.0.0.1", "127.3.4.5", "0:0:0:0:0:0:0:1", "::1", "[::1]", "localhost",
        "LocalHost"}) {
      assertThat(LoopbackHosts.isLoopback(loopback)).as(loopback).isTrue();
    }
    for (String other : new String[] {"192.0.2.7", "10.0.0.1", "example.com", "localhost.example.com",
        "127.0.0.1.nip.io", "", null}) {
      assertThat(LoopbackHosts.isLoopback(other)).as(String.valueOf(other)).isFalse();
    }
  }
}
