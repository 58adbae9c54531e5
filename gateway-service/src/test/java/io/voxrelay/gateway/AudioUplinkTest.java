package io.voxrelay.gateway;

import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RecordingProducer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AudioUplinkTest {

  private static final int FRAME_MS = 40;
  private static final int FRAME = Pcm16.bytesOf(FRAME_MS);

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("while the bus to the relay is backed up, real-time audio is dropped, counted, and the client told "
      + "with audio.dropped (reason relay) at most once a second")
  void relayBehind() {
    List<String> toClient = new ArrayList<>();
    int[] refused = {0};
    // Writes that never complete: a relay that reads nothing.
    RecordingProducer relay = new RecordingProducer("relay-node-1", false);
    LiveSenders toRelays = new LiveSenders(address -> relay, () -> refused[0]++);
    AudioUplink uplink = new AudioUplink(vertx, "s1", "c1", () -> false, () -> "relay-node-1",
        new ClientRates(0, 2_000), toRelays, toClient::add);

    int frames = 3_000;
    for (int i = 0; i < frames; i++) {
      uplink.send(new ClientMessage.Audio("AAAA", FRAME), (long) i * FRAME_MS);
    }

    assertThat(relay.bodies).hasSize(LiveSenders.MAX_UNWRITTEN + LiveSenders.PROBE_EVERY)
        .allMatch(m -> m instanceof ClientAudio);
    int dropped = frames - relay.bodies.size();
    assertThat(refused[0]).isEqualTo(dropped);
    // One notice a second while frames are dropped (920 frames, 36.8 s of them): at 0 s, 1 s, ... 36 s.
    assertThat(toClient).hasSize((dropped * FRAME_MS - 1) / 1_000 + 1);
    var first = Json.parse(toClient.get(0));
    assertThat(first.get("type").asText()).isEqualTo("audio.dropped");
    assertThat(first.get("reason").asText()).isEqualTo("relay");
    assertThat(first.get("droppedMs").asLong()).isEqualTo(FRAME_MS);
    var last = Json.parse(toClient.get(toClient.size() - 1));
    assertThat(last.get("droppedMs").asLong()).isGreaterThan(first.get("droppedMs").asLong());
  }
}
