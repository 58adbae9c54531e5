package io.voxrelay.common.management;

import io.voxrelay.common.config.Env;

/**
 * Where a process serves its Prometheus metrics ({@code /metrics}) and health ({@code /health/live},
 * {@code /health/ready}).
 *
 * @param host interface to bind ({@code VOXRELAY_MANAGEMENT_HOST}, all by default: probes and scrapers come
 *             from outside the container)
 * @param port port ({@code VOXRELAY_MANAGEMENT_PORT}, 9090; 0 for any free port, which is printed at start)
 * @param shutdownTimeoutMs how long a stopping process may take ({@code VOXRELAY_SHUTDOWN_TIMEOUT_MS}, 30 s):
 *                          room for a relay's hand-off at its slowest (its drain and the gateway's open wait,
 *                          one bus timeout plus twice the open path at the defaults); a container's stop grace
 *                          must be longer
 * @param logFormat         {@code text} or {@code json} ({@code VOXRELAY_LOG_FORMAT}; read by logback.xml itself,
 *                          checked here so that a typo stops the process instead of silencing its logs)
 */
public record ManagementConfig(String host, int port, long shutdownTimeoutMs, String logFormat) {

  public static final int DEFAULT_PORT = 9090;
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

  public ManagementConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("VOXRELAY_MANAGEMENT_PORT must be 0–65535, was " + port);
    }
    if (!"text".equals(logFormat) && !"json".equals(logFormat)) {
      throw new IllegalArgumentException("VOXRELAY_LOG_FORMAT must be text or json, was " + logFormat);
    }
    if (shutdownTimeoutMs < 1_000) {
      throw new IllegalArgumentException("VOXRELAY_SHUTDOWN_TIMEOUT_MS must be at least 1000");
    }
  }

  public static ManagementConfig fromEnv(Env env) {
    return new ManagementConfig(env.string("VOXRELAY_MANAGEMENT_HOST", "0.0.0.0"),
        env.integer("VOXRELAY_MANAGEMENT_PORT", DEFAULT_PORT),
        env.millis("VOXRELAY_SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS),
        env.string("VOXRELAY_LOG_FORMAT", "text"));
  }
}
