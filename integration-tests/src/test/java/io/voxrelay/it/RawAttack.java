package io.voxrelay.it;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One attack on a socket of its own, from a forwarded address of its own, written by hand
 * ({@link RawWebSocket}): forged, replayed and other sessions' tokens, a hello without a token, garbage or
 * invalid UTF-8 as the hello, a compressed frame, an oversized frame, frames after a close, silence. Each must
 * end with its documented close code; anything else is a violation.
 */
final class RawAttack {

  private final int port;
  private final List<VoiceClient.Created> decoys;
  private final FuzzTally tally;

  /** @param decoys sessions the attacks aim at (at least two), besides the attacker's own */
  RawAttack(int port, List<VoiceClient.Created> decoys, FuzzTally tally) {
    this.port = port;
    this.decoys = decoys;
    this.tally = tally;
  }

  /** Runs one attack drawn from {@code random}; {@code own} is the attacker's session, {@code oldTokens} its tokens rotated away. */
  void run(Random random, VoiceClient.Created own, List<String> oldTokens) throws Exception {
    int d = random.nextInt(decoys.size());
    VoiceClient.Created decoy = decoys.get(d);
    VoiceClient.Created other = decoys.get((d + 1 + random.nextInt(decoys.size() - 1)) % decoys.size());
    String forwarded = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
    // Silence costs the hello timeout: it is drawn less often than the rest.
    int kind = random.nextInt(50) == 0 ? 9 : random.nextInt(9);
    String name;
    byte[] frame;
    String sessionId = decoy.sessionId();
    Set<Integer> expected;
    switch (kind) {
      case 0 -> {
        name = "raw:forged-token";
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"t_" + Long.toHexString(random.nextLong()) + "\"}");
        expected = Set.of(4401, 4429);
      }
      case 1 -> {
        name = "raw:no-token";
        frame = RawWebSocket.text("{\"type\":\"hello\"}");
        expected = Set.of(4400, 4429);
      }
      case 2 -> {
        name = "raw:other-session-token";
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"" + other.token() + "\"}");
        expected = Set.of(4401, 4429);
      }
      case 3 -> {
        name = "raw:replayed-token";
        sessionId = own.sessionId();
        // A token rotated away twice or more opens nothing (the one just before the current one may still be
        // in its grace, until the attacker's connection confirms the new one: it is not used).
        String old = oldTokens.size() < 2 ? "t_" + Long.toHexString(random.nextLong())
            : oldTokens.get(random.nextInt(oldTokens.size() - 1));
        frame = RawWebSocket.text("{\"type\":\"hello\",\"token\":\"" + old + "\"}");
        expected = Set.of(4401, 4410, 4429);
      }
      case 4 -> {
        name = "raw:garbage-hello";
        frame = RawWebSocket.text(new ClientFrameFuzzer(random).next().text());
        expected = Set.of(4400, 4401, 4429);
      }
      case 5 -> {
        name = "raw:invalid-utf8-hello";
        frame = RawWebSocket.frame(0, 0x1, new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, (byte) 0xff, '"', '}'});
        expected = Set.of(4400);
      }
      case 6 -> {
        name = "raw:compressed";
        frame = RawWebSocket.frame(0b100, 0x1, RawWebSocket.deflateBomb(1L << 20));
        expected = Set.of(1002);
      }
      case 7 -> {
        name = "raw:oversized";
        frame = RawWebSocket.frame(0, random.nextBoolean() ? 0x1 : 0x2, new byte[257 * 1024]);
        expected = Set.of(1009);
      }
      case 8 -> {
        name = "raw:after-close";
        byte[] close = RawWebSocket.frame(0, 0x8, new byte[] {0x03, (byte) 0xe8});
        byte[] after = RawWebSocket.text("{\"type\":\"heartbeat.ping\"}");
        frame = new byte[close.length + 3 * after.length];
        System.arraycopy(close, 0, frame, 0, close.length);
        for (int i = 0; i < 3; i++) {
          System.arraycopy(after, 0, frame, close.length + i * after.length, after.length);
        }
        expected = Set.of(1000, 1005, 1006);
      }
      default -> {
        name = "raw:silent";
        frame = new byte[0];
        expected = Set.of(4408);
      }
    }
    tally.sent(name);
    int code;
    try (Socket raw = new Socket("127.0.0.1", port)) {
      String answer = RawWebSocket.upgrade(raw, port, sessionId, "X-Forwarded-For: " + forwarded + "\r\n");
      if (!answer.startsWith("HTTP/1.1 101")) {
        tally.violation(name + ": the upgrade was answered " + answer.lines().findFirst().orElse(""));
        return;
      }
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(frame);
          out.flush();
        } catch (java.io.IOException closedUnderIt) {
          // The gateway refused the frame at its header and closed while the rest was on its way.
        }
      });
      writer.start();
      code = RawWebSocket.readCloseCode(in);
      writer.join(5_000);
    }
    tally.answer(name + ":" + code);
    if (!expected.contains(code)) {
      // A reset after a refused frame's unread rest: the close frame may be lost; 1006 then is what TCP allows.
      boolean reset = code == 1006 && (kind == 6 || kind == 7);
      if (!reset) {
        tally.violation(name + ": closed with " + code + ", documented " + expected);
      }
    }
  }
}
