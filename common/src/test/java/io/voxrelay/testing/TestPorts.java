package io.voxrelay.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP ports for servers a test must find again at a known port: a service process, a gateway started again
 * on the port it had. They come from a range below the OS's ephemeral ports (32768 and up here), so no
 * outgoing connection of the machine can take one between the check and the server's bind, as it could take
 * a port the OS handed out and released. Each surefire fork ({@code voxrelay.test.fork}) has its own
 * {@value #PORTS_PER_FORK} ports from {@code voxrelay.test.httpPort}, and hands them out in turn, skipping any a
 * server holds. That is 21000 by default, and moves with the cluster ports: 20 for each one
 * {@code voxrelay.test.clusterPort} moves (5801: 23000), so a run moved to share the machine moves whole (a
 * chaos run's gateway, restarting on its port, once found a second run's service process on it).
 */
public final class TestPorts {

  private static final int PORTS_PER_FORK = 500;

  /** This JVM's surefire fork: 1 to n (1 outside surefire). */
  public static final int FORK = Math.max(1, Integer.getInteger("voxrelay.test.fork", 1));
  /** The run's first Hazelcast port ({@code voxrelay.test.clusterPort}, 5701): {@link TestCluster}'s, and this range's anchor. */
  public static final int CLUSTER_BASE = Integer.getInteger("voxrelay.test.clusterPort", 5701);
  private static final int FIRST = Integer.getInteger("voxrelay.test.httpPort", 21_000 + 20 * (CLUSTER_BASE - 5701))
      + PORTS_PER_FORK * (FORK - 1);
  private static final AtomicInteger NEXT = new AtomicInteger();

  private TestPorts() {
  }

  /** A port of this fork's range that no server holds now. */
  public static int next() {
    for (int i = 0; i < PORTS_PER_FORK; i++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), PORTS_PER_FORK);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + FIRST + "–" + (FIRST + PORTS_PER_FORK - 1)
        + "; move the range with -Dvoxrelay.test.httpPort");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException held) {
      return false;
    }
  }
}
