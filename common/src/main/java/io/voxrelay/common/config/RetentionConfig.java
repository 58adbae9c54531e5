package io.voxrelay.common.config;

/**
 * How long finished sessions are kept.
 *
 * @param retentionMs     a session ended, or awaiting resume with no client heartbeat, for longer than this is
 *                        deleted with its history and events ({@code VOXRELAY_RETENTION_MS}, 30 days)
 * @param sweepIntervalMs how often each session-service instance looks for such sessions
 *                        ({@code VOXRELAY_RETENTION_SWEEP_MS}, 10 min)
 */
public record RetentionConfig(long retentionMs, long sweepIntervalMs) {

  public static final long RETENTION_MS = 30L * 24 * 60 * 60_000;
  public static final long SWEEP_INTERVAL_MS = 10 * 60_000;

  public static RetentionConfig fromEnv(Env env) {
    return new RetentionConfig(env.millis("VOXRELAY_RETENTION_MS", RETENTION_MS),
        env.millis("VOXRELAY_RETENTION_SWEEP_MS", SWEEP_INTERVAL_MS));
  }
}
