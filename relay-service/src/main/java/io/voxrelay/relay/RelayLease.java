package io.voxrelay.relay;

import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.config.LeaseConfig;

import java.util.function.LongSupplier;

/**
 * The relay's one place for whether it may act on its sessions, and the only relay class that compares claim
 * epochs. The relay may act while its node's lease is valid by its own monotonic clock, counted from when it
 * sent the renewal that was granted, less a safety margin: the session service counts the same lease from
 * when it took that renewal, later, so the relay always counts it out first.
 *
 * <p>Two exceptions, both on the side of safety:
 * <ul>
 *   <li>A new lease (the one the relay named ran out, or this is its first) lets it act on nothing until it has
 *       checked which of its claims still hold ({@link #claimsChecked}): another relay may have taken any of them.
 *   <li>When renewals go unanswered (no session-service instance answers: an outage, or this relay is cut off) the
 *       relay keeps acting for {@link LeaseConfig#outageMs} past its lease, but only while it kept sending them on
 *       schedule. A relay that stalled (a long pause, a SIGSTOP) sent nothing meanwhile: as it runs again it acts
 *       on nothing until a renewal sent after the stall is granted.
 * </ul>
 * Confined to the relay's event loop.
 */
final class RelayLease {

  /** A gap this long between two renewals sent means the relay itself stalled. */
  static final long STALL_GAP_MS = 2 * LeaseConfig.RENEW_EVERY_MS;

  private final LeaseConfig config;
  private final LongSupplier clockMs;
  /** The lease held (0: none granted yet; the session service numbers leases from 1). */
  private long leaseId;
  /** Until when (clock ms) the lease is valid, margin deducted. */
  private long validUntil;
  private long lastSentAt;
  private boolean sentSinceStart;
  /** Every renewal since the last grant was sent on schedule: what the outage allowance needs. */
  private boolean onSchedule;
  /** A new lease was granted and the relay's claims have not been checked under it yet. */
  private boolean unchecked;
  /** {@link #mayAct} said no since {@link #takeRefusals} last cleared it. */
  private boolean refusedSinceTaken;

  /** @param clockMs a monotonic clock in milliseconds (not the wall clock) */
  RelayLease(LeaseConfig config, LongSupplier clockMs) {
    this.config = config;
    this.clockMs = clockMs;
  }

  /** The lease's time to live as this relay's settings say (the grant says the grantor's). */
  long ttlMs() {
    return config.ttlMs();
  }

  /** How long past its lease the relay acts while its renewals go unanswered. */
  long outageMs() {
    return config.outageMs();
  }

  /** The lease the relay holds (0: none yet): what its next renewal names. */
  long leaseId() {
    return leaseId;
  }

  /** A renewal goes out now: returns when it was sent, for {@link #granted}. */
  long sending() {
    long now = clockMs.getAsLong();
    if (sentSinceStart && now - lastSentAt > STALL_GAP_MS) {
      onSchedule = false;
    }
    lastSentAt = now;
    sentSinceStart = true;
    return now;
  }

  /**
   * The session service answered the renewal sent at {@code sentAt}.
   *
   * @return true when the grant is a new lease: the relay must check its claims ({@link #claimsChecked}) before
   *         it acts again
   */
  boolean granted(long sentAt, LeaseGrant grant) {
    long until = sentAt + grant.ttlMs() - config.marginMs();
    if (grant.leaseId() < leaseId) {
      return unchecked; // a late answer about a lease already replaced: nothing to learn
    }
    if (grant.continued() && grant.leaseId() == leaseId) {
      validUntil = Math.max(validUntil, until);
    } else if (grant.leaseId() != leaseId) {
      leaseId = grant.leaseId();
      validUntil = until;
      unchecked = true;
    }
    onSchedule = true;
    return unchecked;
  }

  /** Whether the relay's claims wait for a check under the lease it holds now. */
  boolean unchecked() {
    return unchecked;
  }

  /** The relay's claims were checked under lease {@code checkedLeaseId}: it may act again (if its lease holds). */
  void claimsChecked(long checkedLeaseId) {
    if (checkedLeaseId == leaseId) {
      unchecked = false;
    }
  }

  /** Whether the relay may act on its sessions now. A no is remembered until {@link #takeRefusals}. */
  boolean mayAct() {
    boolean may = leaseId > 0 && !unchecked && within(clockMs.getAsLong());
    refusedSinceTaken |= !may;
    return may;
  }

  private boolean within(long now) {
    return now < validUntil
        || (onSchedule && now - lastSentAt <= STALL_GAP_MS && now < validUntil + config.outageMs());
  }

  /**
   * Whether {@link #mayAct} said no since the last call, and the relay may act now: then what waited (frames held,
   * turns not carried out) must be taken up again. Clears the record.
   */
  boolean takeRefusals() {
    if (!refusedSinceTaken || !mayAct()) {
      return false;
    }
    refusedSinceTaken = false;
    return true;
  }

  /**
   * Whether a session the session service named lost, under the claim epoch the relay asked about
   * ({@code checkedEpoch}), is still lost now that the relay holds it under {@code epochNow}: not if the relay
   * claimed it again since, under a newer epoch.
   */
  static boolean stillLost(long epochNow, long checkedEpoch) {
    return epochNow <= checkedEpoch;
  }
}
