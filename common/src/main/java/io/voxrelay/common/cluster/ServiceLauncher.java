package io.voxrelay.common.cluster;

import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.management.ManagementConfig;
import io.voxrelay.common.management.ManagementServer;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VertxOptions;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code main} of every service process: join the cluster configured by env, deploy the service, serve
 * metrics and health on the management port, and shut down in order on SIGTERM.
 */
public final class ServiceLauncher {

  /** Printed once the service is deployed; process supervisors and tests wait for it. */
  public static final String READY_LINE = "[voxrelay] ready: ";

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  private ServiceLauncher() {
  }

  /**
   * How many instances of a service one process runs, how each is made, and the process's event loops: one per
   * instance unless {@code VOXRELAY_EVENT_LOOPS} says otherwise. With as many loops as instances, the bus's
   * connections to other nodes are read and written on the loops that send and receive on them: a message
   * between processes then wakes no other thread on either side (the four-process bench measured that wake-up,
   * twice per frame per hop, as most of the services' system time; docs/architecture.md, "Event loops per
   * process").
   */
  public record Instances(Supplier<? extends Deployable> verticles, int count, int eventLoops) {

    public Instances(Supplier<? extends Deployable> verticles, int count) {
      this(verticles, count, count);
    }

    public Instances {
      if (eventLoops < 1) {
        throw new IllegalArgumentException("VOXRELAY_EVENT_LOOPS must be at least 1");
      }
    }

    /** These instances, on {@code VOXRELAY_EVENT_LOOPS} event loops when it is set. */
    public Instances withEventLoopsFrom(Env env) {
      return new Instances(verticles, count, env.integer("VOXRELAY_EVENT_LOOPS", eventLoops));
    }
  }

  public static void run(String service, Supplier<? extends Deployable> verticle) {
    runInstances(service, env -> new Instances(verticle, 1));
  }

  /** Runs the instances of a service that {@code instances} makes from the env, in one process. */
  public static void runInstances(String service, Function<Env, Instances> instances) {
    ClusterConfig cluster;
    ManagementConfig management;
    Instances deployment;
    try {
      Env env = Env.system();
      cluster = ClusterConfig.fromEnv(env);
      cluster.tls().requireUsable();
      management = ManagementConfig.fromEnv(env);
      deployment = instances.apply(env).withEventLoopsFrom(env);
    } catch (IllegalArgumentException e) {
      LOG.error("[voxrelay] invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ClusteredVertx.start(cluster, new VertxOptions().setEventLoopPoolSize(deployment.eventLoops()))
        .compose(vertx -> ManagementServer.start(vertx, management).map(server -> vertx))
        .compose(vertx -> vertx.deployVerticle(deployment.verticles(),
                new DeploymentOptions().setInstances(deployment.count()))
            .map(id -> vertx))
        .onSuccess(vertx -> {
          Telemetry.of(vertx).started();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(vertx, management.shutdownTimeoutMs()),
              service + "-shutdown"));
          if (cluster.exitAfterStall()) {
            StallExit.watch(service, java.time.Duration.ofSeconds(cluster.failureTimeoutSeconds()));
          }
          System.out.println(READY_LINE + service);
          System.out.flush();
        })
        .onFailure(e -> {
          LOG.error("[voxrelay] {} failed to start", service, e);
          System.exit(1);
        });
  }

  /**
   * The shutdown on SIGTERM: readiness goes DOWN first (load balancers stop sending work), then the node
   * closes, which stops each service in turn (a gateway tells its clients to reconnect elsewhere, a relay hands
   * its sessions over), within {@code timeoutMs}.
   */
  public static void shutDown(Vertx vertx, long timeoutMs) {
    Telemetry.of(vertx).drain();
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(ar -> closed.countDown());
    try {
      if (!closed.await(timeoutMs, TimeUnit.MILLISECONDS)) {
        LOG.warn("[voxrelay] shutdown took longer than {} ms; exiting anyway", timeoutMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
