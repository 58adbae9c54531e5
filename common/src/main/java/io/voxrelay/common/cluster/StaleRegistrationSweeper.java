package io.voxrelay.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the event-bus registrations of members that left the cluster, which Vert.x failed to remove.
 *
 * <p>Vert.x removes a leaving member's registrations from the shared registrations map as each member hears of
 * the departure, by iterating that map while Hazelcast is still moving its partitions. When two members leave
 * moments apart (a gateway and a relay killed 0.4 s apart), an entry can survive on a partition's promoted
 * backup. Messages to that address then go to a node that is gone and time out: they never fail with
 * {@code NO_HANDLERS}, which is what moves a session off a relay that died. The oldest member therefore scans the
 * map every period and removes what names a non-member in two scans in a row; each removal reaches every member
 * as an ordinary registration change.
 */
final class StaleRegistrationSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(StaleRegistrationSweeper.class);
  /** Vert.x's registrations map (vertx-hazelcast's {@code SubsMapHelper}). */
  static final String SUBSCRIPTIONS_MAP = "__vertx.subs";
  private static final int MAX_SUSPECTS = 10_000;

  private final HazelcastClusterManager clusterManager;
  private final StaleRegistrations stale = new StaleRegistrations(MAX_SUSPECTS);

  StaleRegistrationSweeper(HazelcastClusterManager clusterManager) {
    this.clusterManager = clusterManager;
  }

  /** Sweeps every {@code period} on {@code vertx}'s worker pool (the map is read with blocking calls). */
  static void start(Vertx vertx, HazelcastClusterManager clusterManager, Duration period) {
    StaleRegistrationSweeper sweeper = new StaleRegistrationSweeper(clusterManager);
    vertx.setPeriodic(period.toMillis(), id -> vertx.executeBlocking(() -> {
      sweeper.sweep();
      return null;
    }, false).onFailure(e -> LOG.debug("[Cluster] registration sweep failed: {}", e.toString())));
  }

  /** One scan (blocking); returns how many registrations it removed. Only the oldest member scans. */
  synchronized int sweep() {
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    if (hazelcast == null || !hazelcast.getLifecycleService().isRunning() || !isOldestMember(hazelcast)) {
      return 0;
    }
    MultiMap<String, HazelcastRegistrationInfo> map = hazelcast.getMultiMap(SUBSCRIPTIONS_MAP);
    List<Map.Entry<String, RegistrationInfo>> registrations = map.entrySet().stream()
        .<Map.Entry<String, RegistrationInfo>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e.getKey(),
            e.getValue().unwrap()))
        .toList();
    int removed = 0;
    for (StaleRegistrations.Entry entry : stale.scan(registrations, clusterManager.getNodes())) {
      if (map.remove(entry.address(), new HazelcastRegistrationInfo(entry.registration()))) {
        removed++;
        LOG.warn("[Cluster] removed {}'s registration of node {}, which left the cluster", entry.address(),
            entry.registration().nodeId());
      }
    }
    return removed;
  }

  private static boolean isOldestMember(HazelcastInstance hazelcast) {
    for (Member member : hazelcast.getCluster().getMembers()) {
      return member.localMember();
    }
    return false;
  }
}
