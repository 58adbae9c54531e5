package io.voxrelay.common.cluster;

import com.hazelcast.multimap.MultiMap;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;

/** The cluster's shared map of bus registrations, as the tests of stale routes plant and read it. */
final class RegistrationMap {

  private RegistrationMap() {
  }

  static HazelcastClusterManager manager(Vertx node) {
    return (HazelcastClusterManager) ((VertxInternal) node).clusterManager();
  }

  static MultiMap<String, HazelcastRegistrationInfo> of(Vertx node) {
    return manager(node).getHazelcastInstance().getMultiMap(StaleRegistrationSweeper.SUBSCRIPTIONS_MAP);
  }

  /**
   * Puts what a departed member's surviving entry looks like: {@code address} registered by {@code nodeId},
   * which no member is. Returns the entry.
   */
  static HazelcastRegistrationInfo plant(Vertx node, String address, String nodeId) {
    HazelcastRegistrationInfo entry = new HazelcastRegistrationInfo(new RegistrationInfo(nodeId, 1, false));
    Await.result(node.executeBlocking(() -> of(node).put(address, entry)));
    return entry;
  }

  /** How a request from {@code node} to {@code address} fails (it must fail). */
  static ReplyFailure failureOf(Vertx node, String address, DeliveryOptions options) {
    return ((ReplyException) Await.failure(node.eventBus().request(address, "x", options))).failureType();
  }
}
