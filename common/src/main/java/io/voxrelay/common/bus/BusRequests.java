package io.voxrelay.common.bus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Locale;

/**
 * Event-bus requests, timed: every request a service makes goes through here, so its round trip (or its
 * failure: a timeout, no handler, a refusal) shows in {@link MetricNames#BUS_REQUEST}, by kind of address.
 */
public final class BusRequests {

  private BusRequests() {
  }

  /** As {@code vertx.eventBus().request(address, body, options)}, timed. */
  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, DeliveryOptions options) {
    long start = System.nanoTime();
    MeterRegistry registry = Telemetry.of(vertx).registry();
    return vertx.eventBus().<T>request(address, body, options)
        .andThen(ar -> Timer.builder(MetricNames.BUS_REQUEST)
            .tag("address", Addresses.kindOf(address))
            .tag("outcome", ar.succeeded() ? "ok" : outcomeOf(ar.cause()))
            .register(registry)
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  /**
   * As {@link #request}, to a service address (any instance of a service answers) and for a request that may
   * arrive twice: one that times out is sent once more, which the bus routes to the service's next instance. A
   * route can lead to an instance that is gone for as long as the cluster takes to notice (its failure timeout);
   * the second try reaches a live one. Waits at most twice {@code options}' timeout.
   */
  public static <T> Future<Message<T>> requestService(Vertx vertx, String address, Object body,
                                                      DeliveryOptions options) {
    return BusRequests.<T>request(vertx, address, body, options).recover(e ->
        e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT
            ? request(vertx, address, body, options) : Future.failedFuture(e));
  }

  private static String outcomeOf(Throwable e) {
    return e instanceof ReplyException re ? re.failureType().name().toLowerCase(Locale.ROOT) : "error";
  }
}
