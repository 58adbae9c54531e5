package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.CheckClaims;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.LostClaims;
import io.voxrelay.common.bus.RenewLease;
import io.voxrelay.common.config.LeaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the relay's lease ({@link RelayLease}): renews it once a second, and under a new lease checks which
 * claims still hold ({@link CheckClaims}) before the relay acts again. A session another relay took meanwhile
 * closes at once, silently (the new holder has the client); the others go on from where they were. Confined to
 * the relay's event loop.
 */
final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  /** Renewals under way at most: each waits at most a time to live (3 s), so about three go unanswered at once. */
  static final int MAX_IN_FLIGHT = 8;

  private final Vertx vertx;
  private final String nodeId;
  private final Map<String, RelaySession> sessions;
  private final RelayLease lease;
  private final DeliveryOptions options;
  /** A renewal answered later than a time to live after it was sent grants nothing: it waits no longer. */
  private final DeliveryOptions renewOptions;
  private int inFlight;
  private boolean checking;
  private boolean unanswered;
  private Promise<Void> firstLease;

  /** @param busTimeoutMs how long a renewal or a claims check waits for its answer */
  LeaseKeeper(Vertx vertx, String nodeId, Map<String, RelaySession> sessions, RelayLease lease, long busTimeoutMs) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.lease = lease;
    this.options = new DeliveryOptions().setSendTimeout(busTimeoutMs);
    this.renewOptions = new DeliveryOptions().setSendTimeout(Math.min(busTimeoutMs, lease.ttlMs()));
  }

  /**
   * Starts renewing. Completes once the relay may act (its first lease granted, its claims checked), or after
   * {@code waitMs} without: the relay then waits on for the session service.
   */
  Future<Void> start(long waitMs) {
    Promise<Void> ready = Promise.promise();
    firstLease = ready;
    renew();
    vertx.setPeriodic(LeaseConfig.RENEW_EVERY_MS, t -> renew());
    vertx.setTimer(waitMs, t -> {
      if (ready.tryComplete()) {
        LOG.warn("[Relay] {} has no lease after {} ms: it takes no session until the session service grants one",
            nodeId, waitMs);
      }
    });
    return ready.future();
  }

  private void renew() {
    if (inFlight >= MAX_IN_FLIGHT) {
      return;
    }
    inFlight++;
    long sentAt = lease.sending();
    BusRequests.<LeaseGrant>request(vertx, Addresses.SESSION_RELAY_LEASE, new RenewLease(nodeId, lease.leaseId()),
            renewOptions)
        .onComplete(ar -> inFlight--)
        .onSuccess(reply -> {
          if (unanswered) {
            unanswered = false;
            LOG.info("[Relay] {} renews its lease again", nodeId);
          }
          if (lease.granted(sentAt, reply.body())) {
            if (!sessions.isEmpty()) {
              LOG.warn("[Relay] {} has a new lease ({}): acting on none of its {} sessions until its claims are "
                  + "checked", nodeId, reply.body().leaseId(), sessions.size());
            }
            check(reply.body().leaseId());
          }
          resumeIfAllowed();
        })
        .onFailure(e -> {
          if (!unanswered) {
            unanswered = true;
            LOG.warn("[Relay] {}'s lease renewal got no answer ({}): acting for at most {} ms past its lease",
                nodeId, e.getMessage(), lease.outageMs());
          }
        });
  }

  /** Checks which claims still hold under lease {@code leaseId}; the lost ones close. */
  private void check(long leaseId) {
    if (checking) {
      return; // the check under way is checked again under the newest lease as it ends
    }
    if (sessions.isEmpty()) {
      lease.claimsChecked(leaseId);
      return;
    }
    Map<String, Long> epochs = new HashMap<>();
    sessions.forEach((id, session) -> epochs.put(id, session.epoch()));
    checking = true;
    BusRequests.<LostClaims>request(vertx, Addresses.SESSION_CHECK_CLAIMS, new CheckClaims(nodeId, epochs), options)
        .onComplete(ar -> checking = false)
        .onSuccess(reply -> {
          for (String lost : reply.body().sessionIds()) {
            RelaySession session = sessions.get(lost);
            if (session != null && RelayLease.stillLost(session.epoch(), epochs.getOrDefault(lost, Long.MAX_VALUE))) {
              session.end(SessionLife.Exit.FENCED);
            }
          }
          lease.claimsChecked(leaseId);
          if (lease.unchecked()) {
            check(lease.leaseId());
          }
          resumeIfAllowed();
        })
        .onFailure(e -> LOG.warn("[Relay] {} could not check its claims ({}); trying again with the next renewal",
            nodeId, e.getMessage()));
  }

  /** After the relay could not act for a while and may again: what waited is taken up. */
  private void resumeIfAllowed() {
    if (firstLease != null && lease.mayAct()) {
      firstLease.tryComplete();
      firstLease = null;
    }
    if (lease.takeRefusals()) {
      List.copyOf(sessions.values()).forEach(RelaySession::release);
    }
  }
}
