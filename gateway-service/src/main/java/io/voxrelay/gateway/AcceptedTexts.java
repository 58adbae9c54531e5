package io.voxrelay.gateway;

import io.voxrelay.common.bus.RelayControlRequest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection's typed turns that a relay accepted but the store does not have yet. A relay stores a typed
 * turn only when it enters the conversation (after the answer under way), so one that dies before then loses
 * it; the relay the session moves to gets each again, in order, before anything else ({@link ControlPipeline}).
 * A relay carries each client seq out once, so one sent again that the store already has is answered as a
 * duplicate and forgotten. At most {@link #MAX} are kept, as many as a relay lets wait. Confined to the
 * gateway verticle's event loop.
 */
final class AcceptedTexts {

  /** As many typed turns as a relay lets wait for their moment (the relay's {@code TurnTaking}). */
  static final int MAX = 16;

  private record Accepted(RelayControlRequest request, String relayNode) {
  }

  private final Map<Long, Accepted> bySeq = new LinkedHashMap<>();

  /** Relay {@code relayNode} accepted typed turn {@code request} without storing it yet. */
  void accepted(RelayControlRequest request, String relayNode) {
    if (request.clientSeq() <= 0) {
      return;
    }
    if (bySeq.size() >= MAX && !bySeq.containsKey(request.clientSeq())) {
      Iterator<Long> oldest = bySeq.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    bySeq.put(request.clientSeq(), new Accepted(request, relayNode));
  }

  /** The store has every client seq up to {@code lastClientSeq}: those typed turns are safe. */
  void stored(long lastClientSeq) {
    bySeq.keySet().removeIf(seq -> seq <= lastClientSeq);
  }

  /** A typed turn is settled: stored, or refused for good. */
  void forget(long clientSeq) {
    bySeq.remove(clientSeq);
  }

  /** The typed turns accepted by a relay other than {@code relayNode}, in the order the client sent them. */
  List<RelayControlRequest> acceptedElsewhere(String relayNode) {
    List<RelayControlRequest> lost = new ArrayList<>();
    for (Accepted accepted : bySeq.values()) {
      if (!accepted.relayNode().equals(relayNode)) {
        lost.add(accepted.request());
      }
    }
    return lost;
  }

  /** How many are kept. */
  int size() {
    return bySeq.size();
  }
}
