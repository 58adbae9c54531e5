package io.voxrelay.common.net;

import io.vertx.core.http.WebSocketBase;

/**
 * Writes to one WebSocket without ever queueing without bound. While the peer does not read, the socket's
 * write queue fills up to {@link #WRITE_QUEUE_BYTES}; past that, frames that may be lost (live audio) are
 * dropped, and frames that may not be lost are still written, up to {@link #MAX_WRITES_WHILE_FULL} of them:
 * then the peer counts as not reading and the caller closes it (a client reconnects and replays what it
 * missed). The queue starting to drain resets the count. Confined to the socket's event loop.
 */
public final class BoundedWrites {

  /** Bytes a socket may queue before it counts as full: about 16 s of base64 PCM16 audio at 24 kHz. */
  public static final int WRITE_QUEUE_BYTES = 1 << 20;
  /** Frames that may not be dropped written while the queue is full, before the peer counts as not reading. */
  public static final int MAX_WRITES_WHILE_FULL = 256;

  private final WebSocketBase socket;
  private int writesWhileFull;
  private long dropped;

  public BoundedWrites(WebSocketBase socket) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    socket.drainHandler(v -> writesWhileFull = 0);
  }

  /** Writes a frame that may be lost when the peer lags (live audio); returns false if it was dropped. */
  public boolean writeDroppable(String text) {
    if (socket.writeQueueFull()) {
      dropped++;
      return false;
    }
    socket.writeTextMessage(text);
    return true;
  }

  /**
   * Writes a frame that may not be lost. Returns false, writing nothing, once the peer has not read for
   * {@link #MAX_WRITES_WHILE_FULL} such frames: the caller closes the socket.
   */
  public boolean write(String text) {
    if (socket.writeQueueFull() && ++writesWhileFull > MAX_WRITES_WHILE_FULL) {
      return false;
    }
    socket.writeTextMessage(text);
    return true;
  }

  /** Droppable frames dropped so far. */
  public long dropped() {
    return dropped;
  }
}
