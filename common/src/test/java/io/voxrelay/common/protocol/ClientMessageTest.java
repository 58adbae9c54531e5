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
    assertThat(message).isEqualTo(new ClientMessage.Hello("secret-token", 0));
    assertThat(message.toString()).doesNotContain("secret-token");
    assertThat(ClientMessage.parse("{\"type\":\"hello\",\"token\":\"t\",\"lastSeq\":41}"))
        .isEqualTo(new ClientMessage.Hello("t", 41));
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"hello\",\"token\":\"t\",\"lastSeq\":-1}"))
        .hasFieldOrPropertyWithValue("code", "invalid_message");
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
  @DisplayName("playback.truncated names an answer by its item id and how much of it was played")
  void playbackTruncated() {
    assertThat(ClientMessage.parse("{\"type\":\"playback.truncated\",\"itemId\":\"item_9-x\",\"audioEndMs\":1250}"))
        .isEqualTo(new ClientMessage.PlaybackTruncated("item_9-x", 1_250));
    for (String bad : new String[] {"{\"type\":\"playback.truncated\",\"audioEndMs\":1}",
        "{\"type\":\"playback.truncated\",\"itemId\":\"i\"}",
        "{\"type\":\"playback.truncated\",\"itemId\":\"i\",\"audioEndMs\":-1}",
        "{\"type\":\"playback.truncated\",\"itemId\":\"i\",\"audioEndMs\":3600001}",
        "{\"type\":\"playback.truncated\",\"itemId\":\"<i>\",\"audioEndMs\":1}",
        "{\"type\":\"playback.truncated\",\"itemId\":\"" + "i".repeat(65) + "\",\"audioEndMs\":1}"}) {
      assertThatThrownBy(() -> ClientMessage.parse(bad)).as(bad).isInstanceOf(ProtocolException.class)
          .hasFieldOrPropertyWithValue("code", "invalid_message");
    }
  }

  @Test
  @DisplayName("controls carry an optional client seq; acks and pings carry what the client processed")
  void seqAndAcks() {
    assertThat(ClientMessage.parse("{\"type\":\"text\",\"text\":\"hi\",\"seq\":3}"))
        .isEqualTo(new ClientMessage.ControlMessage(io.voxrelay.common.bus.Control.TEXT, "hi", 3));
    assertThat(ClientMessage.parse("{\"type\":\"pause_interview\"}"))
        .isEqualTo(new ClientMessage.ControlMessage(io.voxrelay.common.bus.Control.PAUSE, null, 0));
    assertThat(ClientMessage.parse("{\"type\":\"ack\",\"seq\":12}")).isEqualTo(new ClientMessage.Ack(12));
    assertThat(ClientMessage.parse("{\"type\":\"heartbeat.ping\",\"ack\":9}"))
        .isEqualTo(new ClientMessage.HeartbeatPing(9));
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"ack\"}")).hasFieldOrPropertyWithValue("code", "invalid_message");
    assertThatThrownBy(() -> ClientMessage.parse("{\"type\":\"next_question\",\"seq\":\"1\"}"))
        .hasFieldOrPropertyWithValue("code", "invalid_message");
  }

  @Test
  @DisplayName("a server event is numbered with its seq as its first field, and a seq is above 0")
  void numbering() {
    NumberedEvent numbered = NumberedEvent.of("{\"type\":\"x\",\"a\":1}", 42);
    assertThat(numbered.json()).isEqualTo("{\"seq\":42,\"type\":\"x\",\"a\":1}");
    assertThat(numbered.seq()).isEqualTo(42);
    assertThat(NumberedEvent.of("{}", 7).json()).isEqualTo("{\"seq\":7}");
    assertThatThrownBy(() -> NumberedEvent.of("{}", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NumberedEvent.of("[]", 1)).isInstanceOf(IllegalArgumentException.class);
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

  @Test
  @DisplayName("the audio fast path and the general parser accept and measure exactly what a base64 decoder does")
  void audioFastPathAgreesWithTheDecoder() {
    java.util.Random random = new java.util.Random(11);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    for (int n = 0; n < 50_000; n++) {
      StringBuilder b = new StringBuilder();
      int length = 1 + random.nextInt(14);
      for (int i = 0; i < length; i++) {
        b.append(random.nextInt(12) == 0 ? '=' : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String data = b.toString();
      Integer expected;
      try {
        byte[] decoded = java.util.Base64.getDecoder().decode(data);
        expected = decoded.length % 2 == 0 ? decoded.length : null;
      } catch (IllegalArgumentException e) {
        expected = null;
      }
      // The fast path, and the general parser (another key order).
      for (String frame : new String[] {"{\"type\":\"audio\",\"data\":\"" + data + "\"}",
          "{\"data\":\"" + data + "\",\"type\":\"audio\"}"}) {
        Integer actual;
        try {
          actual = ((ClientMessage.Audio) ClientMessage.parse(frame)).bytes();
        } catch (ProtocolException e) {
          actual = null;
        }
        assertThat(actual).as(frame).isEqualTo(expected);
      }
    }
    // Outside the alphabet: refused by both paths, also a character whose low byte is a symbol ('\u0141' ends in
    // 0x41, 'A') or that is Latin-1 but not ASCII.
    for (String bad : new String[] {"AAAAAAA\u0141", "AAAAAAA\u00e9", "AAAAAA A", "AAAAAAA-", "AAAAAAA_",
        "AAAAAAA\u0000"}) {
      for (String frame : new String[] {"{\"type\":\"audio\",\"data\":\"" + bad + "\"}",
          "{\"data\":\"" + bad + "\",\"type\":\"audio\"}"}) {
        assertThatThrownBy(() -> ClientMessage.parse(frame)).as(frame).isInstanceOf(ProtocolException.class);
      }
    }
    // An escaped symbol is the symbol: the fast path hands the frame to the parser, which reads it.
    assertThat(ClientMessage.parse("{\"type\":\"audio\",\"data\":\"AAA\\u0041AAAA\"}"))
        .isEqualTo(new ClientMessage.Audio("AAAAAAAA", 6));
    String data = java.util.Base64.getEncoder().encodeToString(new byte[960]);
    assertThat(ClientMessage.parse("{\"data\":\"" + data + "\",\"type\":\"audio\"}"))
        .isEqualTo(new ClientMessage.Audio(data, 960));
    assertThat(ClientMessage.parse("{ \"type\": \"audio\", \"data\": \"" + data + "\" }"))
        .isEqualTo(new ClientMessage.Audio(data, 960));
  }
}
