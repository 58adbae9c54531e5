package io.voxrelay.common.bus;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Event-bus record codecs")
class RecordCodecTest {

  @Test
  @DisplayName("a record survives the wire encoding, at any buffer offset")
  void roundTrip() {
    RecordCodec<OpenUpstream> codec = new RecordCodec<>(OpenUpstream.class);
    OpenUpstream value = new OpenUpstream("s1", "gw-1", "c-1",
        new SessionSnapshot("s1", "be kind", List.of("q1", "q2"), 1, true, false, true, false, "relay-1", "gw-1",
            42L, 43L, List.of(new Turn("i1", Turn.USER, "hello"), new Turn("i2", Turn.ASSISTANT, "hi")), 7), OpenUpstream.RELAY_HANDOFF, 3_000_004L, 4_000_000L, true);
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, value);
    assertThat(codec.decodeFromWire(6, buffer)).isEqualTo(value);
  }

  @Test
  @DisplayName("every bus record has a codec with a distinct name")
  void everyRecordRegistered() {
    assertThat(BusCodecs.RECORDS.stream().map(c -> new RecordCodec<>(c).name()).distinct())
        .hasSize(BusCodecs.RECORDS.size());
    assertThat(BusCodecs.RECORDS).contains(ToClient.class, ClientAudio.class, ConnectSession.class);
  }

  @Test
  @DisplayName("the hot-path codecs (audio in, events out) survive the wire encoding, at any offset, nulls and non-ASCII included")
  void hotPathRoundTrip() {
    var audioCodec = new HotPathCodecs.ClientAudioCodec();
    ClientAudio audio = new ClientAudio("s_1", "c-\u00e9", "AAECAwQF+/8=");
    Buffer buffer = Buffer.buffer().appendString("xyz");
    audioCodec.encodeToWire(buffer, audio);
    assertThat(audioCodec.decodeFromWire(3, buffer)).isEqualTo(audio);

    var eventCodec = new HotPathCodecs.ToClientCodec();
    for (ToClient event : List.of(new ToClient("s_1", 3_000_007L, "{\"seq\":3000007,\"text\":\"gr\u00fc\u00df \ud83d\ude00\"}", 0, null),
        new ToClient("s_2", 0, null, 4000, "relay-1"), ToClient.live("s_3", "{\"type\":\"audio\"}", 0, "relay-2"))) {
      Buffer b = Buffer.buffer().appendString("ab");
      eventCodec.encodeToWire(b, event);
      assertThat(eventCodec.decodeFromWire(2, b)).isEqualTo(event);
    }
    assertThat(audioCodec.name()).isNotEqualTo(eventCodec.name());
  }
}
