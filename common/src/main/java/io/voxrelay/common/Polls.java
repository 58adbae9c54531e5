package io.voxrelay.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;

/** Waiting on the event loop for something with no event of its own, such as a queue running empty. */
public final class Polls {

  private static final long INTERVAL_MS = 20;

  private Polls() {
  }

  /**
   * Completes once {@code condition} holds, checked now and every 20 ms on the caller's event loop, or after
   * {@code timeoutMs} at the latest (it never fails: a caller that must know checks {@code condition} again).
   */
  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(0, INTERVAL_MS, id -> {
      if (condition.getAsBoolean() || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }
}
