package io.voxrelay.common.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Client messages")
class ClientMessageTest {

  @Test
  @DisplayName("hello carries its token, and never prints it")
  void hello() {
    ClientMessage message = ClientMessage.parse("{\"type\":\"hello\",\"token\":\"secret-token\"}");
    assertThat(message).isEqualTo(new ClientMessage.Hello("secret-token"));
    assertThat(message.toString()).doesNotContain("secret-token");
  }

  @Test
  @DisplayName("audio is validated as base64 PCM16 and measured")
  void audio() {
    String data = Base64.getEncoder().encodeToString(new byte[480]);
    assertThat(ClientMessage.parse("{\"type\":\"audio\",\"data\":\"" + data + "\"}"))
        .isEqualTo(new ClientMessage.Audio(data, 480));
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"audio\",\"data\":\"%%%\"}"))
        .isInstanceOf(ProtocolException.class).hasFieldOrPropertyWithValue("code", "invalid_audio");
    String odd = Base64.getEncoder().encodeToString(new byte[3]);
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"audio\",\"data\":\"" + odd + "\"}"))
        .hasFieldOrPropertyWithValue("code", "invalid_audio");
    String huge = Base64.getEncoder().encodeToString(new byte[ClientMessage.MAX_AUDIO_BYTES + 2]);
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"audio\",\"data\":\"" + huge + "\"}"))
        .hasFieldOrPropertyWithValue("code", "invalid_audio");
  }

  @Test
  @DisplayName("malformed frames get a code that names the problem")
  void malformed() {
    assertThatThrownBy(() -> ClientMessage.parse("not json"))
        .hasFieldOrPropertyWithValue("code", "invalid_json");
    assertThatThrownBy(() -> ClientMessage.parse("[1,2]"))
        .hasFieldOrPropertyWithValue("code", "invalid_message");
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":7}"))
        .hasFieldOrPropertyWithValue("code", "invalid_message");
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"hello\",\"token\":\"\"}"))
        .hasFieldOrPropertyWithValue("code", "invalid_message");
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"launch\"}"))
        .hasFieldOrPropertyWithValue("code", "unknown_type");
  }

  @Test
  @DisplayName("deeply nested frames are refused by the JSON read limits")
  void nesting() {
    String deep = "{\"type\":\"heartbeat.ping\",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}";
    assertThatThrownBy(() -> ClientMessage.parse(deep)).hasFieldOrPropertyWithValue("code", "invalid_json");
    assertThat(ClientMessage.parse("{\"type\":\"heartbeat.ping\",\"x\":[[[]]]}"))
        .isInstanceOf(ClientMessage.HeartbeatPing.class);
  }
}
