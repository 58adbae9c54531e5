package io.voxrelay.common.management;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Vert.x node's metrics registry and health checks, shared by every service deployed on it (the one-JVM
 * run serves all four services' figures on one management port). Services find it with {@link #of(Vertx)};
 * a node started without it (a unit test's plain Vert.x) gets one of its own on first use, so code that records
 * figures never needs to ask whether anyone reads them.
 *
 * <p>Readiness is the sum of the procedures services register ({@link #readiness(String, ReadinessCheck)}) and
 * of the node's own state: {@link #drain() draining} turns it DOWN first thing at shutdown.
 */
public final class Telemetry {

  /** A readiness procedure: answers quickly, from state the service already has (a probe may come every second). */
  @FunctionalInterface
  public interface ReadinessCheck {
    io.vertx.core.Future<Status> check();
  }

  /** How long a readiness check may take to answer before it counts as DOWN. */
  private static final long ANSWER_MS = 1_500;
  /** Vert.x's own bound on a procedure, past ours: reached, it would answer 500 instead of 503. */
  private static final long CHECK_TIMEOUT_MS = 2_000;

  private static final Map<Vertx, Telemetry> BY_NODE = new WeakHashMap<>();
  /** The last node looked up: a process runs one node, so lookups on hot paths skip the lock. */
  private static volatile Telemetry last;

  private final PrometheusMeterRegistry registry;
  private final String registryName = "voxrelay-" + UUID.randomUUID();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Set<String> readinessNames = ConcurrentHashMap.newKeySet();
  private final Map<Class<?>, Object> shared = new ConcurrentHashMap<>();
  private Vertx node;
  private HealthChecks liveness;
  private HealthChecks readiness;

  private Telemetry() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Prepares a node's builder so that Vert.x's own figures (HTTP, TCP, pools, JVM) go to this registry; then
   * {@link #attach} the built node. Labels stay Vert.x's defaults: none carries an address or a path, so no
   * figure is per session. Vert.x's event-bus figures are off: they look their meters up on every message, each
   * audio frame crossing the bus twice, and a profile of the four-process run at 100 streams found about 8 % of
   * the gateway's and the relay's samples there. The bus requests that matter are timed by
   * {@code voxrelay_bus_request_seconds} ({@code BusRequests}).
   */
  public static Telemetry forBuilder(VertxOptions options) {
    Telemetry telemetry = new Telemetry();
    options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .setRegistryName(telemetry.registryName));
    return telemetry;
  }

  /** The metrics factory a node built with {@link #forBuilder} needs. */
  public VertxBuilder withMetrics(VertxBuilder builder) {
    return builder.withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Makes this the telemetry of {@code vertx}. */
  public void attach(Vertx vertx) {
    synchronized (BY_NODE) {
      bind(vertx);
      BY_NODE.put(vertx, this);
    }
  }

  /** The telemetry of {@code vertx}, made on first use if the node was started without one. */
  public static Telemetry of(Vertx vertx) {
    Telemetry cached = last;
    if (cached != null && cached.node == vertx) {
      return cached;
    }
    synchronized (BY_NODE) {
      Telemetry found = BY_NODE.computeIfAbsent(vertx, v -> {
        Telemetry telemetry = new Telemetry();
        telemetry.bind(v);
        return telemetry;
      });
      last = found;
      return found;
    }
  }

  /**
   * The node's one instance of {@code type} (a service's meters), made from the registry on first use: every
   * instance of a service on the node records into the same meters.
   */
  public <T> T shared(Class<T> type, java.util.function.Function<MeterRegistry, T> make) {
    return type.cast(shared.computeIfAbsent(type, t -> make.apply(registry)));
  }

  private void bind(Vertx vertx) {
    node = vertx;
    liveness = HealthChecks.create(vertx);
    readiness = HealthChecks.create(vertx);
    // Live while the event loop answers at all: a blocked loop times this out.
    liveness.register("event-loop", CHECK_TIMEOUT_MS, p -> p.complete(Status.OK()));
    readiness.register("accepting", CHECK_TIMEOUT_MS, p -> p.complete(draining.get()
        ? Status.KO(new JsonObject().put("reason", "shutting down"))
        : started.get() ? Status.OK() : Status.KO(new JsonObject().put("reason", "starting"))));
  }

  /** Where services record their figures. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus registry, for scraping. */
  PrometheusMeterRegistry prometheus() {
    return registry;
  }

  HealthChecks liveness() {
    return liveness;
  }

  HealthChecks readiness() {
    return readiness;
  }

  /**
   * Adds a readiness procedure under {@code name}, once per node: a service with several instances on a node
   * registers it from each, and the first one counts (the check reads state they share).
   */
  public void readiness(String name, ReadinessCheck check) {
    if (readinessNames.add(name)) {
      // A check that does not answer in time is DOWN (503, as any other DOWN), and its late answer dropped.
      readiness.register(name, CHECK_TIMEOUT_MS, p -> {
        long late = node.setTimer(ANSWER_MS,
            t -> p.tryComplete(Status.KO(new JsonObject().put("reason", "no answer in " + ANSWER_MS + " ms"))));
        check.check().onComplete(ar -> {
          node.cancelTimer(late);
          if (ar.succeeded()) {
            p.tryComplete(ar.result());
          } else {
            p.tryComplete(Status.KO(new JsonObject().put("reason", String.valueOf(ar.cause().getMessage()))));
          }
        });
      });
    }
  }

  /** The node's services are deployed: readiness may go UP. */
  public void started() {
    started.set(true);
  }

  /** Readiness goes DOWN for good: the node is shutting down, so load balancers stop sending it work. */
  public void drain() {
    draining.set(true);
  }
}
