package io.voxrelay.testing;

import io.voxrelay.common.audio.Pcm16;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PCM16 24 kHz audio that an energy VAD hears as speech: a voiced tone with harmonics under a syllable-rate
 * envelope, never dropping to silence, followed by real silence to end the turn.
 */
public final class SpeechLikeAudio {

  private SpeechLikeAudio() {
  }

  public static byte[] speech(long millis) {
    int samples = Pcm16.bytesOf(millis) / 2;
    byte[] out = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      double t = i / (double) Pcm16.SAMPLE_RATE;
      double envelope = 0.25 + 0.15 * Math.sin(2 * Math.PI * 4 * t);
      double voice = 0.6 * Math.sin(2 * Math.PI * 160 * t) + 0.3 * Math.sin(2 * Math.PI * 320 * t)
          + 0.1 * Math.sin(2 * Math.PI * 640 * t);
      int v = (int) Math.round(voice * envelope * 32767);
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    return out;
  }

  /** One voice turn: speech, then enough silence for server VAD (500 ms) to end it. */
  public static byte[] turn(long speechMillis) {
    byte[] speech = speech(speechMillis);
    byte[] silence = Pcm16.silence(800);
    byte[] out = new byte[speech.length + silence.length];
    System.arraycopy(speech, 0, out, 0, speech.length);
    System.arraycopy(silence, 0, out, speech.length, silence.length);
    return out;
  }

  /**
   * What Chromium's default fake microphone captures: a short loud beep every half second. Server VAD hears
   * one speech that never ends, since no silence between two beeps is as long as its 500 ms.
   */
  public static byte[] beeps(long millis) {
    byte[] out = Pcm16.silence(millis);
    byte[] beep = Pcm16.tone(400, 20, 0.5, 0);
    for (long at = 0; at + 20 <= millis; at += 460) {
      System.arraycopy(beep, 0, out, Pcm16.bytesOf(at), beep.length);
    }
    return out;
  }

  /** Splits audio into base64 chunks of {@code chunkMillis}, as a browser would send them. */
  public static List<String> base64Chunks(byte[] pcm, long chunkMillis) {
    int size = Pcm16.bytesOf(chunkMillis);
    List<String> chunks = new ArrayList<>();
    for (int off = 0; off < pcm.length; off += size) {
      int end = Math.min(pcm.length, off + size);
      chunks.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(pcm, off, end)));
    }
    return chunks;
  }
}
