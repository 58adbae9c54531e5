package io.voxrelay.session;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Store work for one worker executor, with at most {@link #MAX_PENDING} tasks waiting or running. Past that a
 * task is refused at once ({@link StoreBusyException}) instead of queueing without bound: under an overload,
 * work that could only finish after its caller's bus timeout is not taken on at all, and the caller's
 * failure path (an {@code unavailable} error, a retry) runs now rather than later.
 */
final class StoreQueue {

  /** Tasks waiting or running at most: several bus timeouts' worth of SQLite writes (1–2 ms each). */
  static final int MAX_PENDING = 2_048;

  /** The store has more work waiting than it may take on. */
  static final class StoreBusyException extends RuntimeException {
    StoreBusyException(String name) {
      super("the session store's " + name + " queue is full (" + MAX_PENDING + " tasks)");
    }
  }

  private final String name;
  private final WorkerExecutor executor;
  private final int max;
  private final AtomicInteger pending = new AtomicInteger();
  private final Timer latency;

  StoreQueue(String name, WorkerExecutor executor, Timer latency) {
    this(name, executor, MAX_PENDING, latency);
  }

  /** @param latency records each task's time from submission to its end (queueing included) */
  StoreQueue(String name, WorkerExecutor executor, int max, Timer latency) {
    this.name = name;
    this.executor = executor;
    this.max = max;
    this.latency = latency;
  }

  /** Runs {@code work} on the executor, unordered, or refuses it at once if the queue is full. */
  <T> Future<T> submit(Callable<T> work) {
    if (pending.incrementAndGet() > max) {
      pending.decrementAndGet();
      return Future.failedFuture(new StoreBusyException(name));
    }
    long start = System.nanoTime();
    return executor.executeBlocking(work, false).andThen(ar -> {
      pending.decrementAndGet();
      latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
  }

  /** Tasks waiting or running now. */
  int pending() {
    return pending.get();
  }
}
