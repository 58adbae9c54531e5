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
            42L, List.of(new Turn("i1", Turn.USER, "hello"), new Turn("i2", Turn.ASSISTANT, "hi")), 7, 6), true);
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
}
