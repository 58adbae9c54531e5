package io.voxrelay.common.audio;

/** Helpers for 16-bit little-endian mono PCM, the only audio format voxrelay speaks (24 kHz). */
public final class Pcm16 {

  public static final int SAMPLE_RATE = 24_000;
  public static final int BYTES_PER_SAMPLE = 2;

  private Pcm16() {
  }

  public static int sample(byte[] pcm, int index) {
    return (short) ((pcm[2 * index] & 0xff) | (pcm[2 * index + 1] << 8));
  }

  /** Root mean square of samples {@code [from, to)}, normalised to 0..1 of full scale. */
  public static double rms(byte[] pcm, int from, int to) {
    if (to <= from) {
      return 0;
    }
    double sum = 0;
    for (int i = from; i < to; i++) {
      double s = sample(pcm, i) / 32768.0;
      sum += s * s;
    }
    return Math.sqrt(sum / (to - from));
  }

  public static long millisOf(long bytes) {
    return bytes * 1000 / (SAMPLE_RATE * BYTES_PER_SAMPLE);
  }

  public static int bytesOf(long millis) {
    return (int) (millis * SAMPLE_RATE / 1000) * BYTES_PER_SAMPLE;
  }

  /** A sine tone, {@code millis} long, at {@code amplitude} (0..1 of full scale), starting at sample {@code offset}. */
  public static byte[] tone(double frequencyHz, long millis, double amplitude, long offset) {
    int samples = bytesOf(millis) / BYTES_PER_SAMPLE;
    byte[] out = new byte[samples * BYTES_PER_SAMPLE];
    for (int i = 0; i < samples; i++) {
      double t = (offset + i) / (double) SAMPLE_RATE;
      int v = (int) Math.round(Math.sin(2 * Math.PI * frequencyHz * t) * amplitude * 32767);
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    return out;
  }

  public static byte[] silence(long millis) {
    return new byte[bytesOf(millis)];
  }
}
