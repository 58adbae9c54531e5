package io.voxrelay.common.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's Hazelcast cluster manager, made to route no message to a node that left the cluster.
 *
 * <p>Vert.x caches, per address, which nodes registered a handler there, and updates that cache from change
 * events on the shared registrations map. When members leave moments apart (a gateway and a relay killed within
 * half a second), the cache can keep a departed node: the update read the map while Hazelcast was still moving
 * its partitions, and no later change comes. Every message to that address then goes to a node that is gone
 * and times out, instead of failing with {@code NO_HANDLERS}, which is what moves a session off a relay that
 * died. So this manager remembers the nodes that left, leaves them out of every answer about registrations, and
 * once a member leaves gives each cached address its registrations afresh. Departures are remembered, not
 * inferred from the member list, so that a node that has just joined is never mistaken for a departed one; a
 * node that comes back (a merge after a split) is forgotten again.
 */
final class DepartureAwareClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = LoggerFactory.getLogger(DepartureAwareClusterManager.class);
  /** The member attribute holding a node's Vert.x id (vertx-hazelcast's {@code NODE_ID_ATTRIBUTE}). */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  private static final int MAX_DEPARTED = 1024;
  /** Addresses are per node and per service, never per session: this bounds a cluster's churn of a long while. */
  private static final int MAX_ADDRESSES = 10_000;

  /** Past this, a departed node still listed is not Vert.x's own clean-up under way but a registration it missed. */
  private static final long MISSED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Departed node ids, with when this member heard of each. */
  private final Map<String, Long> departed = boundedMap(MAX_DEPARTED);
  /** The departed nodes a lookup still listed after their clean-up, each reported once. */
  private final Set<String> reported = boundedSet(MAX_DEPARTED);
  private final Set<String> addresses = boundedSet(MAX_ADDRESSES);
  private volatile RegistrationListener selector;

  DepartureAwareClusterManager(Config config) {
    super(config);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    selector = listener;
    super.registrationListener(new RegistrationListener() {
      @Override
      public void registrationsUpdated(RegistrationUpdateEvent event) {
        addresses.add(event.address());
        listener.registrationsUpdated(new RegistrationUpdateEvent(event.address(),
            withoutDeparted(event.address(), event.registrations())));
      }

      @Override
      public void registrationsLost() {
        listener.registrationsLost();
      }

      @Override
      public boolean wantsUpdatesFor(String address) {
        return listener.wantsUpdatesFor(address);
      }
    });
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    addresses.add(address);
    super.getRegistrations(address, (registrations, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.succeed(withoutDeparted(address, registrations));
      }
    });
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
    if (nodeId != null) {
      departed.put(nodeId, System.nanoTime());
    }
    super.memberRemoved(event);
    refreshCachedAddresses();
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
    if (nodeId != null && departed.remove(nodeId) != null) {
      refreshCachedAddresses();
    }
    super.memberAdded(event);
  }

  /** Whether {@code nodeId} left the cluster (as this member saw it) and has not come back. */
  boolean hasDeparted(String nodeId) {
    return departed.containsKey(nodeId);
  }

  private List<RegistrationInfo> withoutDeparted(String address, List<RegistrationInfo> registrations) {
    if (registrations == null || registrations.isEmpty()) {
      return registrations;
    }
    List<RegistrationInfo> kept = new ArrayList<>(registrations.size());
    for (RegistrationInfo registration : registrations) {
      Long departedAt = departed.get(registration.nodeId());
      if (departedAt == null) {
        kept.add(registration);
      } else if (System.nanoTime() - departedAt > MISSED_AFTER_NANOS && reported.add(registration.nodeId())) {
        LOG.warn("[Cluster] node {} left the cluster but is still registered at {}: no message goes there",
            registration.nodeId(), address);
      }
    }
    return kept;
  }

  /** Gives the bus every address it routes by, read afresh, without the departed nodes. */
  private void refreshCachedAddresses() {
    RegistrationListener listener = selector;
    if (listener == null || !isActive()) {
      return;
    }
    List<String> known;
    synchronized (addresses) {
      known = new ArrayList<>(addresses);
    }
    for (String address : known) {
      if (listener.wantsUpdatesFor(address)) {
        getRegistrations(address, (registrations, failure) -> {
          if (failure == null) {
            listener.registrationsUpdated(new RegistrationUpdateEvent(address, registrations));
          }
        });
      }
    }
  }

  private static Set<String> boundedSet(int bound) {
    return Collections.synchronizedSet(Collections.newSetFromMap(boundedMap(bound)));
  }

  /** A map that forgets its oldest entry past {@code bound}; synchronized. */
  private static <V> Map<String, V> boundedMap(int bound) {
    return Collections.synchronizedMap(new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > bound;
      }
    });
  }
}
