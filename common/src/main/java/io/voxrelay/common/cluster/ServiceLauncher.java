package io.voxrelay.common.cluster;

import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.Env;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code main} of every service process: join the cluster configured by env, deploy the service, and
 * leave the cluster cleanly on SIGTERM.
 */
public final class ServiceLauncher {

  /** Printed once the service is deployed; process supervisors and tests wait for it. */
  public static final String READY_LINE = "[voxrelay] ready: ";

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  private ServiceLauncher() {
  }

  /** How many instances of a service one process runs, and how each is made. */
  public record Instances(Supplier<? extends Deployable> verticles, int count) {
  }

  public static void run(String service, Supplier<? extends Deployable> verticle) {
    runInstances(service, env -> new Instances(verticle, 1));
  }

  /** Runs the instances of a service that {@code instances} makes from the env, in one process. */
  public static void runInstances(String service, Function<Env, Instances> instances) {
    ClusterConfig cluster;
    Instances deployment;
    try {
      Env env = Env.system();
      cluster = ClusterConfig.fromEnv(env);
      deployment = instances.apply(env);
    } catch (IllegalArgumentException e) {
      LOG.error("[voxrelay] invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ClusteredVertx.start(cluster)
        .compose(vertx -> vertx.deployVerticle(deployment.verticles(),
                new DeploymentOptions().setInstances(deployment.count()))
            .map(id -> vertx))
        .onSuccess(vertx -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), service + "-shutdown"));
          System.out.println(READY_LINE + service);
          System.out.flush();
        })
        .onFailure(e -> {
          LOG.error("[voxrelay] {} failed to start", service, e);
          System.exit(1);
        });
  }

  private static void closeQuietly(Vertx vertx) {
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(ar -> closed.countDown());
    try {
      closed.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
