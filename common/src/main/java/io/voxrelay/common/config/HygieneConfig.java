package io.voxrelay.common.config;

/**
 * Session hygiene limits (seed 004's constants), each overridable by the env var of the same name with the
 * {@code VOXRELAY_} prefix.
 *
 * @param relayGuardGraceMs how long past the heartbeat timeout a relay waits before closing, on its own, an
 *                          upstream whose client shows no heartbeat ({@code VOXRELAY_RELAY_GUARD_GRACE_MS})
 */
public record HygieneConfig(long heartbeatIntervalMs, long heartbeatTimeoutMs, long sessionIdleTimeoutMs,
                            long sessionMaxAgeMs, long watchdogIntervalMs, long relayGuardGraceMs) {

  public static final long HEARTBEAT_INTERVAL_MS = 30_000;
  public static final long HEARTBEAT_TIMEOUT_MS = 90_000;
  public static final long SESSION_IDLE_TIMEOUT_MS = 5 * 60_000;
  public static final long SESSION_MAX_AGE_MS = 60 * 60_000;
  public static final long WATCHDOG_INTERVAL_MS = 30_000;
  public static final long RELAY_GUARD_GRACE_MS = 30_000;

  public static HygieneConfig defaults() {
    return new HygieneConfig(HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, SESSION_IDLE_TIMEOUT_MS,
        SESSION_MAX_AGE_MS, WATCHDOG_INTERVAL_MS, RELAY_GUARD_GRACE_MS);
  }

  public static HygieneConfig fromEnv(Env env) {
    return new HygieneConfig(
        env.millis("VOXRELAY_HEARTBEAT_INTERVAL_MS", HEARTBEAT_INTERVAL_MS),
        env.millis("VOXRELAY_HEARTBEAT_TIMEOUT_MS", HEARTBEAT_TIMEOUT_MS),
        env.millis("VOXRELAY_SESSION_IDLE_TIMEOUT_MS", SESSION_IDLE_TIMEOUT_MS),
        env.millis("VOXRELAY_SESSION_MAX_AGE_MS", SESSION_MAX_AGE_MS),
        env.millis("VOXRELAY_WATCHDOG_INTERVAL_MS", WATCHDOG_INTERVAL_MS),
        env.millis("VOXRELAY_RELAY_GUARD_GRACE_MS", RELAY_GUARD_GRACE_MS));
  }

  /** How often a relay checks its upstreams' heartbeats: often enough to keep the guard's bound tight. */
  public long relayGuardIntervalMs() {
    return Math.max(100, Math.min(5_000, heartbeatTimeoutMs / 4));
  }

  /** The longest a relay keeps an upstream whose client stopped heartbeating, whatever else is down. */
  public long relayGuardBoundMs() {
    return heartbeatTimeoutMs + relayGuardGraceMs + relayGuardIntervalMs();
  }
}
