package io.voxrelay.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Blocking waits for tests that drive a scenario step by step from the test thread. */
public final class Await {

  private Await() {
  }

  public static <T> T result(Future<T> future) {
    return result(future, Duration.ofSeconds(30));
  }

  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("future did not complete in " + timeout, e);
    }
  }

  /** Waits for {@code future} to fail and returns why; fails the test if it succeeds. */
  public static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("future did not complete in 30 s", e);
    }
    throw new AssertionError("future succeeded where a failure was expected");
  }

  /** Polls {@code condition} until it holds, failing with {@code description} after {@code timeout}. */
  public static void until(String description, Duration timeout, BooleanSupplier condition) {
    until(description, timeout, Duration.ofMillis(20), condition);
  }

  /**
   * {@link #until(String, Duration, BooleanSupplier)}, polling every {@code every}: for conditions that cost
   * a process to check (a {@code podman exec}), which at the default pace would take the CPU from what they wait
   * for.
   */
  public static void until(String description, Duration timeout, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + description);
      }
      sleep(every.toMillis());
    }
  }

  /** Polls until {@code supplier} returns a non-null value. */
  public static <T> T value(String description, Duration timeout, Supplier<T> supplier) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value;
    while ((value = supplier.get()) == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + description);
      }
      sleep(20);
    }
    return value;
  }

  /**
   * Polls {@code value} until it has not changed for {@code quiet}, and returns it: for counters that settle
   * after work whose end nothing announces (a fixed sleep instead would race the slowest write).
   */
  public static long settled(String description, Duration quiet, Duration timeout, LongSupplier value) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = value.getAsLong();
    long since = System.nanoTime();
    while (System.nanoTime() - since < quiet.toNanos()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + description + " settles");
      }
      sleep(20);
      long now = value.getAsLong();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }

  /**
   * Runs {@code action} on an event loop of {@code vertx} and waits for its result: for testing classes that
   * are confined to an event loop, as they are in the services.
   */
  public static <T> T onLoop(Vertx vertx, Supplier<T> action) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> {
      try {
        done.complete(action.get());
      } catch (RuntimeException | AssertionError e) {
        done.fail(e);
      }
    });
    return result(done.future());
  }

  /** {@link #onLoop(Vertx, Supplier)} for an action without a result. */
  public static void onLoop(Vertx vertx, Runnable action) {
    onLoop(vertx, () -> {
      action.run();
      return null;
    });
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
