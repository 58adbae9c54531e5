package io.voxrelay.it;

import io.voxrelay.testing.Await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

/**
 * A WebSocket written by hand over a plain socket, for frames no well-behaved client library sends: compressed
 * frames, invalid UTF-8, frames over the limit. Also the heap probe the hostile-input tests share.
 */
final class RawWebSocket {

  private RawWebSocket() {
  }

  /** A raw-deflate stream that inflates to {@code inflatedBytes} zeros. */
  static byte[] deflateBomb(long inflatedBytes) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    byte[] chunk = new byte[64 * 1024];
    for (long fed = 0; fed < inflatedBytes; fed += zeros.length) {
      deflater.setInput(zeros, 0, (int) Math.min(zeros.length, inflatedBytes - fed));
      while (!deflater.needsInput()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(chunk, 0, deflater.deflate(chunk));
    }
    deflater.end();
    return out.toByteArray();
  }

  /** A client-to-server frame: FIN, the given RSV bits and opcode, masked as a client must. */
  static byte[] frame(int rsv, int opcode, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | rsv << 4 | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }

  /** A text frame. */
  static byte[] text(String json) {
    return frame(0, 0x1, json.getBytes(StandardCharsets.UTF_8));
  }

  static String readHeaders(InputStream in) throws IOException {
    StringBuilder headers = new StringBuilder();
    while (!headers.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      headers.append((char) b);
    }
    return headers.toString();
  }

  /**
   * Opens the session's WebSocket by hand, offering permessage-deflate, with {@code extraHeaders} (each line
   * ending in CRLF); returns the handshake's answer.
   */
  static String upgrade(Socket raw, int port, String sessionId, String extraHeaders) throws IOException {
    raw.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    raw.getOutputStream().write(("GET /v1/sessions/" + sessionId + "/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"
        + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
    return readHeaders(raw.getInputStream());
  }

  /**
   * Reads server frames until a close frame and returns its code: 1005 for a close without one, 1006 when
   * the connection ended without a close frame (or was reset).
   */
  static int readCloseCode(InputStream in) {
    try {
      while (true) {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
          return 1006;
        }
        long length = b1 & 0x7f;
        if (length == 126) {
          length = in.read() << 8 | in.read();
        } else if (length == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = length << 8 | in.read();
          }
        }
        byte[] payload = in.readNBytes((int) length);
        if ((b0 & 0x0f) == 0x8) {
          return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : 1005;
        }
      }
    } catch (IOException reset) {
      return 1006;
    }
  }

  /** The heap in use after a few full collections. */
  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Await.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
