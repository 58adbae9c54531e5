package io.voxrelay.common.config;

/**
 * Relay leases: how long a relay node stays alive, and its claims valid, without a renewal. The session service
 * grants leases for {@code ttlMs}; a relay renews every {@link #RENEW_EVERY_MS} and acts on its sessions only
 * while its lease is valid by its own clock, less {@code marginMs}, counted from when it sent the renewal.
 *
 * @param ttlMs    a lease's time to live ({@code VOXRELAY_RELAY_LEASE_TTL_MS}, 3 s; read by the session service,
 *                 which answers it with every grant). A dead relay's sessions move to another relay about this
 *                 long after its last renewal
 * @param marginMs how much sooner a relay counts its own lease out ({@code VOXRELAY_RELAY_LEASE_MARGIN_MS},
 *                 500 ms): room for the renewal's trip and for clocks that run at slightly different rates
 * @param outageMs how long past its lease a relay whose renewals all went unanswered (no session-service instance
 *                 answers: an outage) keeps acting ({@code VOXRELAY_RELAY_LEASE_OUTAGE_MS}, 5 s), so that a short
 *                 outage stops no conversation. It bounds how long a relay cut off alone may overlap the relay that
 *                 takes its sessions over (docs/architecture.md, "Relay leases")
 */
public record LeaseConfig(long ttlMs, long marginMs, long outageMs) {

  /** How often a relay renews its lease. */
  public static final long RENEW_EVERY_MS = 1_000;
  /**
   * How often a gateway asks which relays hold a valid lease: a relay's sessions move at most this long after its
   * lease ran out.
   */
  public static final long LIVE_RELAYS_EVERY_MS = RENEW_EVERY_MS / 2;
  public static final long TTL_MS = 3_000;
  public static final long MARGIN_MS = 500;
  public static final long OUTAGE_MS = 5_000;

  public LeaseConfig {
    if (ttlMs < 2 * RENEW_EVERY_MS) {
      throw new IllegalArgumentException("VOXRELAY_RELAY_LEASE_TTL_MS must be at least " + 2 * RENEW_EVERY_MS
          + " (two renewals), was " + ttlMs);
    }
    if (marginMs < 0 || marginMs >= ttlMs - RENEW_EVERY_MS) {
      throw new IllegalArgumentException("VOXRELAY_RELAY_LEASE_MARGIN_MS must be at least 0 and under the time to "
          + "live less one renewal (" + (ttlMs - RENEW_EVERY_MS) + " ms), was " + marginMs);
    }
    if (outageMs < 0) {
      throw new IllegalArgumentException("VOXRELAY_RELAY_LEASE_OUTAGE_MS must be at least 0, was " + outageMs);
    }
  }

  public static LeaseConfig defaults() {
    return new LeaseConfig(TTL_MS, MARGIN_MS, OUTAGE_MS);
  }

  public static LeaseConfig fromEnv(Env env) {
    return new LeaseConfig(env.millis("VOXRELAY_RELAY_LEASE_TTL_MS", TTL_MS),
        env.millis("VOXRELAY_RELAY_LEASE_MARGIN_MS", MARGIN_MS),
        env.millis("VOXRELAY_RELAY_LEASE_OUTAGE_MS", OUTAGE_MS));
  }
}
