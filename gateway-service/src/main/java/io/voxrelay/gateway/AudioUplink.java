package io.voxrelay.gateway;

import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.bus.PlaybackTruncated;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.rate.IntervalGate;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client's microphone audio on its way to the relay: dropped at once while the audio gate is closed or no
 * relay holds the session (before it costs a bus message); over the client's audio rate ({@link ClientRates});
 * and while the bus to the relay is backed up ({@link LiveSenders}: the relay does not keep up). The client hears
 * of each kind of drop with {@code audio.dropped}, at most once a second for each.
 */
final class AudioUplink {

  private final Vertx vertx;
  private final String sessionId;
  private final String connectionId;
  private final BooleanSupplier gated;
  private final Supplier<String> relayAddress;
  private final ClientRates rates;
  private final Consumer<String> tellClient;
  private final LiveSenders toRelays;
  private final IntervalGate dropNotices = new IntervalGate(1_000);
  private final IntervalGate relayBehindNotices = new IntervalGate(1_000);
  private final GatewayMetrics metrics;
  private long relayBehindBytes;

  /**
   * @param toRelays the gateway instance's live sends, which its event loop shares among its clients (it counts
   *                 what it refuses)
   */
  AudioUplink(Vertx vertx, String sessionId, String connectionId, BooleanSupplier gated, Supplier<String> relayAddress,
              ClientRates rates, LiveSenders toRelays, Consumer<String> tellClient) {
    this.vertx = vertx;
    this.toRelays = toRelays;
    this.sessionId = sessionId;
    this.connectionId = connectionId;
    this.gated = gated;
    this.relayAddress = relayAddress;
    this.rates = rates;
    this.tellClient = tellClient;
    this.metrics = GatewayMetrics.of(vertx);
  }

  /**
   * The client cut the AI's answer short: the relay holding the upstream hears it after the audio sent before
   * it (one sender, one address: in order). Nothing when no relay holds the session.
   */
  void playbackTruncated(ClientMessage.PlaybackTruncated cut) {
    String address = relayAddress.get();
    if (address != null) {
      vertx.eventBus().send(address, new PlaybackTruncated(sessionId, connectionId, cut.itemId(), cut.audioEndMs()));
    }
  }

  void send(ClientMessage.Audio audio, long now) {
    String address = relayAddress.get();
    if (gated.getAsBoolean() || address == null) {
      return;
    }
    if (!rates.allowAudio(audio.bytes(), now)) {
      metrics.audioDroppedIn.increment();
      if (dropNotices.tryPass(now)) {
        tellClient.accept(ServerEvents.audioDropped("rate", Pcm16.millisOf(rates.droppedAudioBytes())));
      }
      return;
    }
    if (toRelays.trySend(address, new ClientAudio(sessionId, connectionId, audio.base64Pcm()))) {
      metrics.audioFramesIn.increment();
      metrics.audioBytesIn.increment(audio.bytes());
      return;
    }
    relayBehindBytes += audio.bytes();
    if (relayBehindNotices.tryPass(now)) {
      tellClient.accept(ServerEvents.audioDropped("relay", Pcm16.millisOf(relayBehindBytes)));
    }
  }
}
