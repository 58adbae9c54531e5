package io.voxrelay.common.management;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Readiness of a node's cluster membership: UP while its Hazelcast member runs and lists itself among the
 * members. A node whose member stopped (it lost the cluster for good, or is leaving) is DOWN. A node cut off by a
 * partition counts itself a cluster of its own until the halves merge; the members it sees are in the data,
 * and a relay so cut off also fences itself (see the architecture's failover paths).
 */
public final class ClusterReadiness implements Telemetry.ReadinessCheck {

  private final HazelcastClusterManager cluster;

  private ClusterReadiness(HazelcastClusterManager cluster) {
    this.cluster = cluster;
  }

  /** The readiness check of the node that {@code cluster} joined. */
  public static ClusterReadiness of(HazelcastClusterManager cluster) {
    return new ClusterReadiness(cluster);
  }

  @Override
  public Future<Status> check() {
    HazelcastInstance hz = cluster.getHazelcastInstance();
    if (!cluster.isActive() || hz == null || !hz.getLifecycleService().isRunning()) {
      return Future.succeededFuture(Status.KO(new JsonObject().put("reason", "not in a cluster")));
    }
    try {
      var members = hz.getCluster().getMembers();
      JsonObject data = new JsonObject().put("members", members.size());
      return Future.succeededFuture(members.contains(hz.getCluster().getLocalMember())
          ? Status.OK(data) : Status.KO(data.put("reason", "not a member of the cluster")));
    } catch (RuntimeException e) {
      // The member stopped between the checks above and these calls.
      return Future.succeededFuture(Status.KO(new JsonObject().put("reason", "not in a cluster")));
    }
  }
}
