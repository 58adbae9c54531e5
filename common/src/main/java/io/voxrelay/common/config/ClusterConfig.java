package io.voxrelay.common.config;

import java.util.List;
import java.util.Optional;

/**
 * How a process joins the voxrelay cluster. The default is TCP/IP on loopback with multicast off, so a
 * single machine needs no set-up; real hosts and containers set the member list, interface and public address.
 *
 * @param clusterName          members only join a cluster of the same name ({@code VOXRELAY_CLUSTER_NAME})
 * @param host                 interface Hazelcast and the event bus bind to ({@code VOXRELAY_CLUSTER_HOST})
 * @param port                 first Hazelcast port tried; later members take the next free one ({@code VOXRELAY_CLUSTER_PORT})
 * @param members              TCP/IP join list, {@code host:port} or {@code host:from-to} ({@code VOXRELAY_CLUSTER_MEMBERS})
 * @param publicAddress        address other members use to reach this one, e.g. behind NAT ({@code VOXRELAY_CLUSTER_PUBLIC_ADDRESS})
 * @param eventBusPort         event-bus TCP port, 0 for any free port ({@code VOXRELAY_EVENTBUS_PORT})
 * @param failureTimeoutSeconds seconds without a heartbeat before a member is removed ({@code VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S})
 * @param interfaces           the local interfaces Hazelcast may use, as IPs or wildcards such as {@code 10.*.*.*}
 *                             ({@code VOXRELAY_CLUSTER_INTERFACES}; by default the host alone). A member given by
 *                             name whose name resolves to several addresses (a scaled service in Compose, a headless
 *                             Service in Kubernetes) is tried at each address that matches them, so in containers
 *                             set a wildcard that covers the network
 * @param mergeDelaySeconds     how soon a member removed while it stalled (or was cut off) merges back once it runs
 *                              again, and how often that is tried after ({@code VOXRELAY_CLUSTER_MERGE_DELAY_S}, 10;
 *                              Hazelcast's own defaults are 300 and 120)
 * @param exitAfterStall        whether a service process stalled as long as the failure timeout exits (code 75) for its
 *                              supervisor to start it afresh, instead of running on to merge back
 *                              ({@code VOXRELAY_CLUSTER_EXIT_AFTER_STALL}, true; the one-JVM run never does)
 * @param tls                   mutual TLS on the event bus ({@link ClusterTls}, {@code VOXRELAY_CLUSTER_TLS_*})
 */
public record ClusterConfig(String clusterName, String host, int port, List<String> members,
                            Optional<String> publicAddress, int eventBusPort, int failureTimeoutSeconds,
                            int mergeDelaySeconds, List<String> interfaces, boolean exitAfterStall,
                            ClusterTls tls) {

  /** Seconds before a member that was removed merges back, unless configured. */
  public static final int DEFAULT_MERGE_DELAY_S = 10;

  /** Seconds without a heartbeat before the cluster removes a member, unless configured. */
  public static final int DEFAULT_FAILURE_TIMEOUT_S = 10;

  public static ClusterConfig fromEnv(Env env) {
    return new ClusterConfig(
        env.string("VOXRELAY_CLUSTER_NAME", "voxrelay"),
        env.string("VOXRELAY_CLUSTER_HOST", "127.0.0.1"),
        env.integer("VOXRELAY_CLUSTER_PORT", 5701),
        env.list("VOXRELAY_CLUSTER_MEMBERS", List.of("127.0.0.1:5701-5720")),
        env.optional("VOXRELAY_CLUSTER_PUBLIC_ADDRESS"),
        env.integer("VOXRELAY_EVENTBUS_PORT", 0),
        env.integer("VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", DEFAULT_FAILURE_TIMEOUT_S),
        env.integer("VOXRELAY_CLUSTER_MERGE_DELAY_S", DEFAULT_MERGE_DELAY_S),
        env.list("VOXRELAY_CLUSTER_INTERFACES", List.of()),
        env.bool("VOXRELAY_CLUSTER_EXIT_AFTER_STALL", true),
        ClusterTls.fromEnv(env));
  }

  /** The same settings under another cluster name. */
  public ClusterConfig withClusterName(String name) {
    return new ClusterConfig(name, host, port, members, publicAddress, eventBusPort, failureTimeoutSeconds,
        mergeDelaySeconds, interfaces, exitAfterStall, tls);
  }

  /** The same settings with another bus TLS set-up. */
  public ClusterConfig withTls(ClusterTls other) {
    return new ClusterConfig(clusterName, host, port, members, publicAddress, eventBusPort, failureTimeoutSeconds,
        mergeDelaySeconds, interfaces, exitAfterStall, other);
  }

  /** Loopback defaults under another cluster name, with {@code tls} on the bus. */
  public static ClusterConfig loopback(String clusterName, ClusterTls tls) {
    return new ClusterConfig(clusterName, "127.0.0.1", 5701, List.of("127.0.0.1:5701-5720"),
        Optional.empty(), 0, DEFAULT_FAILURE_TIMEOUT_S, DEFAULT_MERGE_DELAY_S, List.of(), false, tls);
  }
}
