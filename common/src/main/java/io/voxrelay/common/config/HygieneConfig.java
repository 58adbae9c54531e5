package io.voxrelay.common.config;

/**
 * Session hygiene limits (seed 004's constants), each overridable by the env var of the same name with the
 * {@code VOXRELAY_} prefix.
 */
public record HygieneConfig(long heartbeatIntervalMs, long heartbeatTimeoutMs, long sessionIdleTimeoutMs,
                            long sessionMaxAgeMs, long watchdogIntervalMs) {

  public static final long HEARTBEAT_INTERVAL_MS = 30_000;
  public static final long HEARTBEAT_TIMEOUT_MS = 90_000;
  public static final long SESSION_IDLE_TIMEOUT_MS = 5 * 60_000;
  public static final long SESSION_MAX_AGE_MS = 60 * 60_000;
  public static final long WATCHDOG_INTERVAL_MS = 30_000;

  public static HygieneConfig defaults() {
    return new HygieneConfig(HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, SESSION_IDLE_TIMEOUT_MS,
        SESSION_MAX_AGE_MS, WATCHDOG_INTERVAL_MS);
  }

  public static HygieneConfig fromEnv(Env env) {
    return new HygieneConfig(
        env.millis("VOXRELAY_HEARTBEAT_INTERVAL_MS", HEARTBEAT_INTERVAL_MS),
        env.millis("VOXRELAY_HEARTBEAT_TIMEOUT_MS", HEARTBEAT_TIMEOUT_MS),
        env.millis("VOXRELAY_SESSION_IDLE_TIMEOUT_MS", SESSION_IDLE_TIMEOUT_MS),
        env.millis("VOXRELAY_SESSION_MAX_AGE_MS", SESSION_MAX_AGE_MS),
        env.millis("VOXRELAY_WATCHDOG_INTERVAL_MS", WATCHDOG_INTERVAL_MS));
  }
}
