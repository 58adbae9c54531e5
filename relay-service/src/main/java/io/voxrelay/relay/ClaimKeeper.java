package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.CheckClaims;
import io.voxrelay.common.bus.LostClaims;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a relay's claims honest. Once a second, and at once after a stall past the {@link StallFence}, it asks
 * the session service which of its sessions another relay has claimed since ({@link CheckClaims}); their
 * upstreams close at once, silently (the new holder has the client). After a stall the relay acts on no
 * session until that answer comes; if none comes within the bus timeout (the cluster is cut off, or the
 * session service is down), every upstream closes, since the relay can no longer know which are its own.
 * Confined to the relay's event loop.
 */
final class ClaimKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(ClaimKeeper.class);
  /** How often a relay checks its claims when nothing stalled. */
  static final long CHECK_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final String nodeId;
  private final Map<String, RelaySession> sessions;
  private final StallFence fence;
  private final DeliveryOptions options;
  private boolean checking;
  private long lastCheckAt;
  /** When the session service last answered a claims check (or the relay held nothing to check). */
  private long lastConfirmedAt = System.currentTimeMillis();
  private final long cutOffMs;

  ClaimKeeper(Vertx vertx, String nodeId, Map<String, RelaySession> sessions, StallFence fence, long busTimeoutMs,
              long cutOffMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.fence = fence;
    this.options = new DeliveryOptions().setSendTimeout(busTimeoutMs);
    this.cutOffMs = cutOffMs;
  }

  /**
   * Closes the upstreams of a relay cut off from the cluster: while no claims check has been answered for
   * {@code cutOffMs}, a session that no gateway has routed here for as long (its gateway moved it to another
   * relay, or lost it) closes, since its claim can no longer be confirmed. A session-service outage alone
   * closes nothing: gateways go on routing their sessions here every second.
   */
  private void closeCutOff(long now) {
    if (now - lastConfirmedAt <= cutOffMs) {
      return; // the usual case, checked before any per-session work
    }
    Map<String, Long> routedAt = new HashMap<>();
    sessions.forEach((id, session) -> routedAt.put(id, session.lastRoutedAt()));
    for (String id : cutOff(now, lastConfirmedAt, cutOffMs, routedAt, !fence.mayAct())) {
      LOG.warn("[Relay] closing the upstream of {}: no claims check answered and no gateway routing it for {} ms",
          id, cutOffMs);
      RelaySession session = sessions.get(id);
      if (session != null) {
        session.close(true);
      }
    }
  }

  /**
   * The rule of {@link #closeCutOff}: the sessions to close at {@code now}, given when claims were last
   * confirmed and when a gateway last routed each session here. Nothing closes while this relay's own stall
   * awaits its claims check ({@code stallUnchecked}): the silence was the relay's, not the cluster's (the
   * routings sent meanwhile are still queued), and that check, bounded by the bus timeout, decides.
   */
  static List<String> cutOff(long now, long lastConfirmedAt, long cutOffMs, Map<String, Long> lastRoutedAt,
                             boolean stallUnchecked) {
    if (stallUnchecked || now - lastConfirmedAt <= cutOffMs) {
      return List.of();
    }
    return lastRoutedAt.entrySet().stream().filter(e -> now - e.getValue() > cutOffMs).map(Map.Entry::getKey)
        .sorted().toList();
  }

  void start() {
    vertx.setPeriodic(StallFence.TICK_MS, t -> tick());
    vertx.setPeriodic(CHECK_INTERVAL_MS, t -> closeCutOff(System.currentTimeMillis()));
  }

  private void tick() {
    boolean suspect = fence.tick();
    long now = System.currentTimeMillis();
    if (!checking && (suspect || now - lastCheckAt >= CHECK_INTERVAL_MS)) {
      check(suspect);
    }
  }

  private void check(boolean afterStall) {
    if (afterStall) {
      LOG.warn("[Relay] {} was stalled for {} ms: acting on none of its {} sessions until its claims are checked",
          nodeId, fence.longestStallMs(), sessions.size());
    }
    if (sessions.isEmpty()) {
      lastConfirmedAt = System.currentTimeMillis();
      confirmed();
      return;
    }
    Map<String, Long> epochs = new HashMap<>();
    sessions.forEach((id, session) -> epochs.put(id, session.epoch()));
    checking = true;
    lastCheckAt = System.currentTimeMillis();
    BusRequests.<LostClaims>request(vertx, Addresses.SESSION_CHECK_CLAIMS, new CheckClaims(nodeId, epochs), options)
        .onComplete(ar -> checking = false)
        .onSuccess(reply -> {
          lastConfirmedAt = System.currentTimeMillis();
          for (String lost : reply.body().sessionIds()) {
            RelaySession session = sessions.get(lost);
            if (session != null && session.epoch() <= epochs.getOrDefault(lost, Long.MAX_VALUE)) {
              session.fenced();
            }
          }
          confirmed();
        })
        .onFailure(e -> {
          if (fence.suspect()) {
            LOG.error("[Relay] {} cannot check its claims after a stall ({}): closing all {} upstreams", nodeId,
                e.getMessage(), sessions.size());
            List.copyOf(sessions.values()).forEach(session -> session.close(true));
            confirmed();
          }
        });
  }

  private void confirmed() {
    if (fence.suspect()) {
      fence.confirmed();
      List.copyOf(sessions.values()).forEach(RelaySession::release);
    }
  }
}
