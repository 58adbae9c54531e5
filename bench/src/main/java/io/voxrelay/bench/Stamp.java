package io.voxrelay.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A 20 ms PCM16 24 kHz frame (960 bytes) that carries when it was sent: the load generator and the fake
 * upstream run in one process and share {@link System#nanoTime()}, so one-way latency is exact both ways.
 * Layout: "VXRB", sent-at nanos, stream id, frame number; the rest is silence.
 */
final class Stamp {

  static final int FRAME_BYTES = 960;
  private static final int MAGIC = 0x42525856; // "VXRB" read little-endian

  /** A decoded stamp. */
  record Read(long sentAtNanos, int stream, int frame) {
  }

  private Stamp() {
  }

  static String frame(long sentAtNanos, int stream, int frame) {
    ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putLong(sentAtNanos).putInt(stream).putInt(frame);
    return Base64.getEncoder().encodeToString(b.array());
  }

  /** The stamp in a base64 frame, or null when it carries none. */
  static Read read(String base64) {
    // Only the first 20 bytes matter: 28 base64 characters decode to 21 bytes.
    if (base64 == null || base64.length() < 28) {
      return null;
    }
    byte[] head = Base64.getDecoder().decode(base64.substring(0, 28));
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC) {
      return null;
    }
    return new Read(b.getLong(), b.getInt(), b.getInt());
  }

  /** The value of a JSON string field, found without parsing the whole event (fields here need no unescaping). */
  static String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int start = json.indexOf(key);
    if (start < 0) {
      return null;
    }
    start += key.length();
    int end = json.indexOf('"', start);
    return end < 0 ? null : json.substring(start, end);
  }
}
