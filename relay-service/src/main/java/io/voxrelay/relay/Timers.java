package io.voxrelay.relay;

import io.vertx.core.Vertx;

/**
 * One-shot timers on the caller's event loop. The relay's session logic takes this rather than Vert.x, so its
 * unit tests run on a clock they move by hand.
 */
interface Timers {

  /** Runs {@code task} once, {@code delayMs} from now (at least 1 ms); returns an id for {@link #cancel}. */
  long schedule(long delayMs, Runnable task);

  /** Cancels a timer that has not run yet; an id that ran or was cancelled is ignored. */
  void cancel(long id);

  /** The current time in milliseconds, on the clock the timers run on. */
  long now();

  /** Timers on a Vert.x event loop and the system clock. */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMs), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }

      @Override
      public long now() {
        return System.currentTimeMillis();
      }
    };
  }
}
