package io.voxrelay.gateway;

import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.rate.IntervalGate;

/**
 * The rates one client connection may send at, so a client can neither bill upstream minutes faster than
 * the clock (audio), nor make the services work for every message it floods (controls), nor get an answer
 * for every bad frame it sends. Pure: the caller gives the time.
 */
final class ClientRates {

  /** Audio may arrive at most this much faster than real time, over the window below. */
  static final double AUDIO_SPEED = 1.25;
  /** How much audio, in ms at that speed, may come at once by default (after a stall, a backlog arrives). */
  static final long AUDIO_BURST_MS = 2_000;
  /** Controls and typed turns per second, and at once. */
  static final double CONTROLS_PER_SECOND = 5;
  static final int CONTROL_BURST = 20;
  /** Refused controls within {@link #FLOOD_WINDOW_MS} after which the client is flooding: closed (1008). */
  static final int FLOOD_REFUSALS = 50;
  static final long FLOOD_WINDOW_MS = 10_000;
  /** Error replies to bad frames, at most one per this long; the others are counted, not answered. */
  static final long ERROR_REPLY_INTERVAL_MS = 1_000;

  /** What to do with a control. */
  enum Verdict { ACCEPT, REFUSE, CLOSE }

  private final TokenBucket audio;
  private final TokenBucket controls;
  private final TokenBucket refusals;
  private final IntervalGate errorReplies = new IntervalGate(ERROR_REPLY_INTERVAL_MS);
  private long droppedAudioBytes;
  private long unansweredErrors;

  ClientRates(long now) {
    this(now, AUDIO_BURST_MS);
  }

  /** @param audioBurstMs how much audio may come at once ({@code VOXRELAY_AUDIO_BURST_MS}) */
  ClientRates(long now, long audioBurstMs) {
    double bytesPerSecond = AUDIO_SPEED * Pcm16.SAMPLE_RATE * Pcm16.BYTES_PER_SAMPLE;
    this.audio = new TokenBucket(bytesPerSecond * audioBurstMs / 1000, bytesPerSecond, now);
    this.controls = new TokenBucket(CONTROL_BURST, CONTROLS_PER_SECOND, now);
    this.refusals = new TokenBucket(FLOOD_REFUSALS, FLOOD_REFUSALS * 1000.0 / FLOOD_WINDOW_MS, now);
  }

  /** Whether {@code bytes} of PCM16 may go on now; audio over the rate is dropped and counted. */
  boolean allowAudio(int bytes, long now) {
    if (audio.take(bytes, now)) {
      return true;
    }
    droppedAudioBytes += bytes;
    return false;
  }

  /** Audio dropped for the rate so far, in bytes. */
  long droppedAudioBytes() {
    return droppedAudioBytes;
  }

  /** A control or typed turn: accepted, refused ({@code rate_limited}), or the last straw (close 1008). */
  Verdict control(long now) {
    if (controls.take(1, now)) {
      return Verdict.ACCEPT;
    }
    return refusals.take(1, now) ? Verdict.REFUSE : Verdict.CLOSE;
  }

  /** Whether a bad frame gets an error reply now; if not, it is only counted. */
  boolean answerError(long now) {
    if (errorReplies.tryPass(now)) {
      return true;
    }
    unansweredErrors++;
    return false;
  }

  /** Bad frames that got no reply of their own. */
  long unansweredErrors() {
    return unansweredErrors;
  }
}
