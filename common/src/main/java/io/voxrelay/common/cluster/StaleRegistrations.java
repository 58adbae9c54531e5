package io.voxrelay.common.cluster;

import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which event-bus registrations belong to members that left the cluster. A registration is stale once
 * two scans in a row found it naming a node that is not a member: one scan alone may race a member that has
 * just joined and registered before this member's view lists it.
 */
final class StaleRegistrations {

  /** One address's registration by one node. */
  record Entry(String address, RegistrationInfo registration) {
  }

  private final int bound;
  private Set<Entry> suspects = new HashSet<>();

  /** @param bound the most suspects remembered between scans (the registrations map is per node, not per session) */
  StaleRegistrations(int bound) {
    this.bound = bound;
  }

  /**
   * Takes one scan of the registrations and the current members; returns the entries that named a non-member in
   * this scan and the one before, which are to be removed.
   */
  List<Entry> scan(Collection<Map.Entry<String, RegistrationInfo>> registrations, Collection<String> members) {
    Set<String> live = new HashSet<>(members);
    Set<Entry> now = new HashSet<>();
    List<Entry> stale = new ArrayList<>();
    for (Map.Entry<String, RegistrationInfo> r : registrations) {
      if (live.contains(r.getValue().nodeId())) {
        continue;
      }
      Entry entry = new Entry(r.getKey(), r.getValue());
      if (suspects.contains(entry)) {
        stale.add(entry);
      } else if (now.size() < bound) {
        now.add(entry);
      }
    }
    suspects = now;
    return stale;
  }
}
