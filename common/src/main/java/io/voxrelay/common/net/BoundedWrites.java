package io.voxrelay.common.net;

import io.vertx.core.http.WebSocketBase;

import java.util.function.LongSupplier;

/**
 * Writes to one WebSocket without ever queueing without bound. While the peer does not read, the socket's
 * write queue fills up to {@link WriteBounds#queueBytes()}; past that, frames that may be lost (live audio) are
 * dropped, and frames that may not be lost are still written, up to {@link WriteBounds#overflowBytes()} of
 * them. Once more would go over that, or the queue has been full for longer than {@link WriteBounds#stallMs()},
 * the peer counts as not reading: {@code onStalled} runs once, and the caller closes the socket (a client
 * reconnects and replays what it missed; the relay opens a new upstream). The queue starting to drain
 * starts the count over. Confined to the socket's event loop.
 */
public final class BoundedWrites {

  private final WebSocketBase socket;
  private final WriteBounds bounds;
  private final LongSupplier clockMs;
  private final Runnable onStalled;
  private long fullSinceMs = -1;
  private long bytesWhileFull;
  private long dropped;
  private boolean stalled;

  /**
   * @param clockMs   the time in ms (injectable for tests)
   * @param onStalled runs once, when the peer first counts as not reading
   */
  public BoundedWrites(WebSocketBase socket, WriteBounds bounds, LongSupplier clockMs, Runnable onStalled) {
    this.socket = socket;
    this.bounds = bounds;
    this.clockMs = clockMs;
    this.onStalled = onStalled;
    socket.setWriteQueueMaxSize(bounds.queueBytes());
    socket.drainHandler(v -> drained());
  }

  /** Writes a frame that may be lost when the peer lags (live audio); returns false if it was dropped. */
  public boolean writeDroppable(String text) {
    if (stalled || socket.isClosed()) {
      return false;
    }
    if (full(0)) {
      dropped++;
      return false;
    }
    socket.writeTextMessage(text);
    return true;
  }

  /**
   * Writes a frame that may not be lost. Returns false, writing nothing, once the peer counts as not reading
   * ({@code onStalled} has run then) or the socket has closed (a delivery can race its connection's close; the
   * peer gets what it missed by replay).
   */
  public boolean write(String text) {
    if (stalled || socket.isClosed()) {
      return false;
    }
    full(text.length());
    if (stalled) {
      return false;
    }
    socket.writeTextMessage(text);
    return true;
  }

  /**
   * Whether the queue is full; while it is, counts {@code bytes} more written over it and checks the bounds
   * (a frame's length in chars stands for its bytes: what goes out is almost all ASCII JSON).
   */
  private boolean full(long bytes) {
    if (!socket.writeQueueFull()) {
      drained();
      return false;
    }
    long now = clockMs.getAsLong();
    if (fullSinceMs < 0) {
      fullSinceMs = now;
    }
    bytesWhileFull += bytes;
    if (bytesWhileFull > bounds.overflowBytes() || now - fullSinceMs > bounds.stallMs()) {
      stalled = true;
      onStalled.run();
    }
    return true;
  }

  private void drained() {
    fullSinceMs = -1;
    bytesWhileFull = 0;
  }

  /** Droppable frames dropped so far. */
  public long dropped() {
    return dropped;
  }

  /** Whether the peer counted as not reading: nothing more is written. */
  public boolean stalled() {
    return stalled;
  }
}
