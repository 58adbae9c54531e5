package io.voxrelay.session;

import io.voxrelay.common.bus.LeaseGrant;

import java.util.Objects;

/**
 * The session service's one place for the rules of relay leases and claims, and the only class that compares
 * fencing epochs. A relay node holds one lease, renewed once a second; a session's claim is (relay node, epoch)
 * and holds while that node's lease does. Every time is the store's clock (milliseconds), passed in by the
 * caller, so that several session-service instances judge one lease alike and no wall clocks of different hosts
 * are compared. Pure: {@link LeaseRows} reads and writes the rows, in the caller's transaction.
 */
final class LeaseTable {

  /** A relay node's lease: its id changes whenever a lease is granted anew (after one ran out, or for the first). */
  record Lease(String relayNode, long leaseId, long expiresAt) {
  }

  /** The lease to store after a renewal, and the answer to the relay. */
  record Renewal(Lease lease, LeaseGrant grant) {
  }

  private final long ttlMs;

  LeaseTable(long ttlMs) {
    this.ttlMs = ttlMs;
  }

  /** Whether {@code lease} (null: none) is valid at {@code now}. */
  static boolean live(Lease lease, long now) {
    return lease != null && lease.expiresAt() >= now;
  }

  /**
   * Renews {@code relayNode}'s lease at {@code now}. The lease it named ({@code heldId}) goes on if it has not
   * run out; otherwise (run out, ended by a claim, or never granted) it gets a new lease, not continued.
   *
   * @param current the node's lease in the store, or null
   */
  Renewal renew(Lease current, String relayNode, long heldId, long now) {
    if (current != null && current.leaseId() == heldId && heldId > 0 && live(current, now)) {
      Lease renewed = new Lease(relayNode, heldId, Math.max(current.expiresAt(), now + ttlMs));
      return new Renewal(renewed, new LeaseGrant(heldId, ttlMs, true));
    }
    long next = Math.max(heldId, current == null ? 0 : current.leaseId()) + 1;
    return new Renewal(new Lease(relayNode, next, now + ttlMs), new LeaseGrant(next, ttlMs, false));
  }

  /**
   * Whether the grantor was away: no renewal was taken for longer than a time to live (relays renew every
   * second), so the session service or its store was down, and no relay could renew.
   *
   * @param lastRenewalAt when the store took its last renewal of any relay (0: never)
   */
  boolean outage(long lastRenewalAt, long now) {
    return lastRenewalAt > 0 && now - lastRenewalAt > ttlMs;
  }

  /**
   * A lease after an outage that ended at {@code now}: one that was still valid when the outage began runs for
   * one more time to live, so that its relay can renew before any of its sessions is granted elsewhere. One that
   * had run out before stays out: its sessions may already have moved.
   */
  Lease honoured(Lease lease, long lastRenewalAt, long now) {
    return lease.expiresAt() >= lastRenewalAt
        ? new Lease(lease.relayNode(), lease.leaseId(), Math.max(lease.expiresAt(), now + ttlMs)) : lease;
  }

  /**
   * Whether {@code lease} is valid at {@code now} as a claim would judge it: after an outage (no renewal taken
   * since {@code lastRenewalAt}), one that was valid when the outage began counts as {@link #honoured}, before
   * any renewal has written that down.
   */
  boolean liveAfter(Lease lease, long lastRenewalAt, long now) {
    return live(lease, now) || outage(lastRenewalAt, now) && lease.expiresAt() >= lastRenewalAt;
  }

  /**
   * Whether {@code claimant} may claim a session now held by {@code holder} (null: none). The claimant must hold a
   * valid lease. A claim sent again (the claimant holds it) is granted. Otherwise the session must still be held
   * by the relay the claimant saw ({@code expectedHolder}): a session let go since (it awaits resume) or moved to
   * another relay is not taken. A session no relay holds is then taken; one another relay holds only once that
   * relay's lease has run out, or if that relay said it no longer holds it ({@code disowned}). A holder merely
   * slow to answer keeps its sessions.
   */
  static boolean mayClaim(String claimant, Lease claimantLease, String holder, Lease holderLease,
                          String expectedHolder, boolean disowned, long now) {
    if (!live(claimantLease, now)) {
      return false;
    }
    if (claimant.equals(holder)) {
      return true;
    }
    if (!Objects.equals(holder, expectedHolder)) {
      return false;
    }
    return holder == null || disowned || !live(holderLease, now);
  }

  /** Whether a claim granted over {@code holder} ends that holder's lease: it ran out, so it must not go on. */
  static boolean endsHolderLease(String claimant, String holder, Lease holderLease, long now) {
    return holder != null && !holder.equals(claimant) && holderLease != null && !live(holderLease, now);
  }

  /**
   * Whether a write under {@code writerEpoch} comes from a claim older than the session's {@code sessionEpoch}:
   * it is refused. 0: the writer holds no claim (a gateway, the session service itself), never stale.
   */
  static boolean stale(long writerEpoch, long sessionEpoch) {
    return writerEpoch > 0 && writerEpoch < sessionEpoch;
  }

  /** Whether ({@code relayNode}, {@code epoch}) is the session's current claim: a notice or give-back about it counts. */
  static boolean current(String relayNode, long epoch, String holder, long sessionEpoch) {
    return Objects.equals(relayNode, holder) && epoch == sessionEpoch;
  }

  /**
   * Whether {@code relayNode}'s give-back of its claim under {@code epoch} (0: whatever its claim) ends the
   * session's claim: only the holder's, and only that claim's.
   */
  static boolean givesBack(String relayNode, long epoch, String holder, long sessionEpoch) {
    return relayNode != null && relayNode.equals(holder) && (epoch == 0 || epoch == sessionEpoch);
  }

  /**
   * Whether {@code relayNode}'s claim under {@code epoch} is lost: the session is gone, held by another relay or
   * by none, or claimed since under a newer epoch.
   *
   * @param holder       the session's relay now (null: none, or no such session)
   * @param sessionEpoch the session's epoch now (null: no such session)
   */
  static boolean lost(String relayNode, long epoch, String holder, Long sessionEpoch) {
    return sessionEpoch == null || !relayNode.equals(holder) || sessionEpoch > epoch;
  }
}
