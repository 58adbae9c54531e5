package io.voxrelay.simulator;

import io.voxrelay.common.audio.Pcm16;

/**
 * Server VAD on PCM energy, timed by the audio itself (not the wall clock), so a test that streams audio
 * faster than real time sees the same turns as a person speaking.
 */
final class EnergyVad {

  /** Analysis window: 20 ms. */
  static final int WINDOW_SAMPLES = Pcm16.SAMPLE_RATE / 50;

  enum Transition { NONE, SPEECH_STARTED, SPEECH_STOPPED }

  private double rmsThreshold;
  private long silenceDurationMs;
  private long samplesSeen;
  private boolean speaking;
  private long silentSamples;
  private long speechStartMs;
  private long speechEndMs;
  private final byte[] pending = new byte[WINDOW_SAMPLES * 2];
  private int pendingBytes;

  EnergyVad(double threshold, long silenceDurationMs) {
    configure(threshold, silenceDurationMs);
  }

  /** {@code threshold} is the API's 0..1 activation threshold; 0.5 maps to an RMS of 2 % of full scale. */
  void configure(double threshold, long silenceDurationMs) {
    this.rmsThreshold = 0.04 * threshold;
    this.silenceDurationMs = silenceDurationMs;
  }

  /**
   * Feeds audio; calls {@code listener} for every transition, in order, with the audio time in ms.
   */
  void feed(byte[] pcm, Listener listener) {
    int offset = 0;
    while (offset < pcm.length) {
      int n = Math.min(pending.length - pendingBytes, pcm.length - offset);
      System.arraycopy(pcm, offset, pending, pendingBytes, n);
      pendingBytes += n;
      offset += n;
      if (pendingBytes == pending.length) {
        window(listener);
        pendingBytes = 0;
      }
    }
  }

  private void window(Listener listener) {
    boolean voiced = Pcm16.rms(pending, 0, WINDOW_SAMPLES) >= rmsThreshold;
    long windowStartMs = samplesSeen * 1000 / Pcm16.SAMPLE_RATE;
    samplesSeen += WINDOW_SAMPLES;
    if (!speaking && voiced) {
      speaking = true;
      silentSamples = 0;
      speechStartMs = windowStartMs;
      listener.on(Transition.SPEECH_STARTED, speechStartMs);
    } else if (speaking && !voiced) {
      silentSamples += WINDOW_SAMPLES;
      if (silentSamples * 1000 / Pcm16.SAMPLE_RATE >= silenceDurationMs) {
        speaking = false;
        speechEndMs = samplesSeen * 1000 / Pcm16.SAMPLE_RATE - silenceDurationMs;
        listener.on(Transition.SPEECH_STOPPED, speechEndMs);
      }
    } else if (speaking) {
      silentSamples = 0;
    }
  }

  boolean speaking() {
    return speaking;
  }

  long lastSpeechMs() {
    return Math.max(0, speechEndMs - speechStartMs);
  }

  /** Forgets a turn in progress (the input buffer was cleared). */
  void reset() {
    speaking = false;
    silentSamples = 0;
    pendingBytes = 0;
  }

  interface Listener {
    void on(Transition transition, long audioMs);
  }
}
