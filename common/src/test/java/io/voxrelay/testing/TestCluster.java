package io.voxrelay.testing;

import io.voxrelay.common.cluster.ClusteredVertx;
import io.voxrelay.common.cluster.ClusterCertificate;
import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.ClusterTls;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Clustered Vert.x nodes in one JVM, on loopback, under a cluster name of their own so concurrent test runs
 * never join each other. {@code -Dvoxrelay.test.clusterPort=5801} moves them (and {@code ProcessCluster}'s
 * processes) to ports of their own, 20 from there, so a long run elsewhere on the machine (a chaos run on
 * 5701–5720) does not see their join attempts. Each surefire fork ({@code voxrelay.test.fork}, 1 to n) takes
 * the next 20 ports, so parallel forks never try to join each other's members.
 */
public final class TestCluster implements AutoCloseable {

  private static final int PORTS_PER_FORK = 20;

  /** The first Hazelcast port of test clusters in this fork. */
  public static final int PORT = TestPorts.CLUSTER_BASE + PORTS_PER_FORK * (TestPorts.FORK - 1);

  private static ClusterTls tls;

  private final String name = "voxrelay-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Vertx> nodes = new ArrayList<>();

  /** The join list of test clusters: their first port and the 19 after it. */
  public static String membersList() {
    return "127.0.0.1:" + PORT + "-" + (PORT + PORTS_PER_FORK - 1);
  }

  /**
   * The bus certificate every test cluster of this JVM uses (nodes in this JVM and the service processes it
   * starts), made once in a temporary directory: tests run the bus as production does, over mutual TLS.
   */
  public static synchronized ClusterTls tls() {
    if (tls == null) {
      try {
        tls = ClusterCertificate.ensure(java.nio.file.Files.createTempDirectory("voxrelay-test-cluster-tls"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return tls;
  }

  /** The env settings that give a service process {@link #tls()}. */
  public static java.util.Map<String, String> tlsEnv() {
    ClusterTls cert = tls();
    return java.util.Map.of("VOXRELAY_CLUSTER_TLS_KEYSTORE", cert.keyStore().orElseThrow().toString(),
        "VOXRELAY_CLUSTER_TLS_PASSWORD", cert.password().orElseThrow().reveal());
  }

  public String name() {
    return name;
  }

  /** Starts and joins one more node. */
  public Vertx node() {
    return node(new io.vertx.core.VertxOptions());
  }

  /** Starts and joins one more node, from {@code options}. */
  public Vertx node(io.vertx.core.VertxOptions options) {
    return start(config(tls()), options);
  }

  /**
   * A stranger: a node with this cluster's name and join list but no certificate (its bus in clear text). It
   * joins Hazelcast's membership, which the open-source edition cannot close, and nothing more.
   */
  public Vertx stranger() {
    return start(config(ClusterTls.off()), new io.vertx.core.VertxOptions());
  }

  private Vertx start(ClusterConfig config, io.vertx.core.VertxOptions options) {
    Vertx vertx = Await.result(ClusteredVertx.start(config, options));
    synchronized (nodes) {
      nodes.add(vertx);
    }
    return vertx;
  }

  private ClusterConfig config(ClusterTls tls) {
    ClusterConfig loopback = ClusterConfig.loopback(name, tls);
    ClusterConfig config = PORT == loopback.port() ? loopback : new ClusterConfig(name, "127.0.0.1", PORT,
        java.util.List.of(membersList()), loopback.publicAddress(), loopback.eventBusPort(),
        loopback.failureTimeoutSeconds(), loopback.mergeDelaySeconds(), loopback.interfaces(), false,
        loopback.tls());
    return config;
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
    // Last started, first stopped: clients' side first, the session service last, as an orderly shutdown goes.
    // A relay stopped after the session service would wait out its durable requests' retries on close.
    java.util.Collections.reverse(all);
    for (Vertx vertx : all) {
      try {
        Await.result(vertx.close());
      } catch (AssertionError ignored) {
        // Best effort: a node that cannot close cleanly must not hide the test's own failure.
      }
    }
  }
}
