package io.voxrelay.common.net;

/**
 * How much one WebSocket may hold back for a peer that does not read, and for how long: see {@link BoundedWrites}.
 * The memory a peer that stopped reading can cost is at most {@code queueBytes + overflowBytes} (plus the
 * kernel's socket buffers, which are not heap).
 *
 * @param queueBytes    bytes the socket may queue before it counts as full; then live audio is dropped
 * @param overflowBytes bytes of frames that may not be lost written while it is full, before the peer counts
 *                      as not reading
 * @param stallMs       how long it may stay full before the peer counts as not reading
 */
public record WriteBounds(int queueBytes, long overflowBytes, long stallMs) {

  /** The relay's bounds toward the upstream: about 16 s of base64 PCM16 audio at 24 kHz queued, 10 s full. */
  public static final WriteBounds UPSTREAM = new WriteBounds(1 << 20, 256 * 1024, 10_000);

  public WriteBounds {
    if (queueBytes < 1024 || overflowBytes < 0 || stallMs < 1) {
      throw new IllegalArgumentException("write bounds must be at least 1 KiB queued, 0 bytes over and 1 ms: "
          + queueBytes + ", " + overflowBytes + ", " + stallMs);
    }
  }
}
