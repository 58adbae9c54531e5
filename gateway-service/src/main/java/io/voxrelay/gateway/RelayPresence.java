package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.List;

/**
 * Whether a relay is still a member of the cluster, for a request to it that timed out. A relay that died
 * has its address removed from the cluster's subscriptions only after the members noticed and cleaned up;
 * until then a request to it waits out its timeout instead of failing with {@code NO_HANDLERS}, so a timeout
 * alone cannot tell a slow relay (keep it: moving would open a second upstream) from a dead one (move). The
 * member list can: the relay is gone when no member the cluster lists holds its address.
 */
final class RelayPresence {

  private RelayPresence() {
  }

  /** Completes with true when no current member holds relay {@code relayNode}'s address; false if unsure. */
  static Future<Boolean> gone(Vertx vertx, String relayNode) {
    ClusterManager cluster = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (cluster == null) {
      // Not clustered: a relay that is gone fails requests with NO_HANDLERS at once.
      return Future.succeededFuture(false);
    }
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    cluster.getRegistrations(Addresses.relayNode(relayNode), registrations);
    return registrations.future()
        .map(held -> {
          List<String> members = cluster.getNodes();
          return held.stream().noneMatch(r -> members.contains(r.nodeId()));
        })
        .otherwise(false);
  }
}
