package io.voxrelay.relay;

import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.rate.IntervalGate;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one relay session's client sends that is not a control: microphone audio, a cut of the AI's answer, and
 * heartbeats, with the times the relay's guard judges the session by. Taken only from the session's live
 * connection, and only while the session acts ({@link SessionLife#acting}). Confined to the relay verticle's
 * event loop.
 */
final class ClientInput {

  private final String sessionId;
  private final SessionLife life;
  private final ConversationState state;
  private final ClientFeed feed;
  private final AnswerCuts cuts;
  private final Supplier<UpstreamLink> link;
  private final ActivityAccumulator activity;
  private final Timers timers;
  private final Consumer<String> live;
  /** When this relay last heard that the client is alive (its own clock): the cost guard's input. */
  private long lastHeartbeatAt;
  /** When this relay last forwarded audio or carried out a control (its own clock): the guard's idle input. */
  private long lastActivityAt;
  /** Microphone audio the upstream could not take (it lagged), in base64 characters; reported once a second. */
  private long droppedAudioChars;
  private final IntervalGate dropNotices = new IntervalGate(1_000);

  /** @param live sends the client an event live only */
  ClientInput(SessionLife life, ConversationState state, ClientFeed feed, AnswerCuts cuts, Supplier<UpstreamLink> link,
              ActivityAccumulator activity, Timers timers, Consumer<String> live) {
    this.sessionId = state.sessionId();
    this.life = life;
    this.state = state;
    this.feed = feed;
    this.cuts = cuts;
    this.link = link;
    this.activity = activity;
    this.timers = timers;
    this.live = live;
    this.lastHeartbeatAt = timers.now();
    this.lastActivityAt = timers.now();
  }

  /**
   * Microphone audio: forwarded only while the session is live and not gated (paused, awaiting resume).
   * Only audio actually forwarded counts as activity (seed 002, finding 1): gated audio keeps nothing alive.
   */
  void audio(String fromConnection, String base64Pcm) {
    UpstreamLink current = link.get();
    if (life.acting() && current != null && !state.gated() && fromConnection.equals(feed.connectionId())) {
      long now = timers.now();
      if (!current.sendAudio(base64Pcm)) {
        droppedAudioChars += base64Pcm.length();
        if (dropNotices.tryPass(now)) {
          // The upstream does not keep up: the user hears of it, at most once a second.
          live.accept(ServerEvents.audioDropped("upstream", Pcm16.millisOf(droppedAudioChars * 3 / 4)));
        }
        return;
      }
      activity.audio(sessionId, now);
      lastActivityAt = now;
    }
  }

  /**
   * The client cut the AI's answer {@code itemId} short after playing {@code audioEndMs} of it (the user spoke
   * over it): the upstream's item is truncated there, and the turn keeps the part of its text that was heard,
   * marked with {@code playedMs} ({@code transcript.truncated} tells the client). An answer not sent from here
   * recently, or a message from a connection that is not the session's live one, changes nothing.
   */
  void playbackTruncated(String fromConnection, String itemId, long audioEndMs) {
    if (!life.acting() || !fromConnection.equals(feed.connectionId())) {
      return;
    }
    long playedMs = cuts.cut(itemId, audioEndMs);
    UpstreamLink current = link.get();
    if (playedMs >= 0 && current != null && current.canSend()) {
      current.send(RealtimeClientEvents.conversationItemTruncate(itemId, playedMs));
    }
  }

  /** The client showed a heartbeat (reported by its gateway, or it attached). */
  void heartbeat(long receivedAt) {
    lastHeartbeatAt = Math.max(lastHeartbeatAt, receivedAt);
  }

  /** The client did something (a control): the guard's idle clock starts again. */
  void active() {
    lastActivityAt = timers.now();
  }

  /**
   * The session's times as this relay saw them, for its guard: the run's start from the store, the heartbeats
   * its gateway reported, and the audio it forwarded and controls it carried out itself.
   */
  SessionTimes times() {
    return new SessionTimes(sessionId, state.startedAt(), lastHeartbeatAt, lastActivityAt, lastActivityAt,
        state.paused());
  }
}
