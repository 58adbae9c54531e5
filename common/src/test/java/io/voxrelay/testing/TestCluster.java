package io.voxrelay.testing;

import io.voxrelay.common.cluster.ClusteredVertx;
import io.voxrelay.common.config.ClusterConfig;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Clustered Vert.x nodes in one JVM, on loopback, under a cluster name of their own so concurrent test runs
 * never join each other.
 */
public final class TestCluster implements AutoCloseable {

  private final String name = "voxrelay-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Vertx> nodes = new ArrayList<>();

  public String name() {
    return name;
  }

  /** Starts and joins one more node. */
  public Vertx node() {
    return node(new io.vertx.core.VertxOptions());
  }

  /** Starts and joins one more node, from {@code options}. */
  public Vertx node(io.vertx.core.VertxOptions options) {
    Vertx vertx = Await.result(ClusteredVertx.start(ClusterConfig.loopback(name), options));
    synchronized (nodes) {
      nodes.add(vertx);
    }
    return vertx;
  }

  /** Closes one node as a clean shutdown would (it leaves the cluster). */
  public void stop(Vertx node) {
    synchronized (nodes) {
      nodes.remove(node);
    }
    Await.result(node.close());
  }

  @Override
  public void close() {
    List<Vertx> all;
    synchronized (nodes) {
      all = new ArrayList<>(nodes);
      nodes.clear();
    }
    for (Vertx vertx : all) {
      try {
        Await.result(vertx.close());
      } catch (AssertionError ignored) {
        // Best effort: a node that cannot close cleanly must not hide the test's own failure.
      }
    }
  }
}
