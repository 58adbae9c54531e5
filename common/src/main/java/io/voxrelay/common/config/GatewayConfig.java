package io.voxrelay.common.config;

import java.util.Optional;

/**
 * The gateway's settings.
 *
 * @param httpHost        interface the HTTP server binds ({@code VOXRELAY_HTTP_HOST}, default all interfaces)
 * @param httpPort        HTTP and WebSocket port ({@code VOXRELAY_HTTP_PORT}, default 8080)
 * @param apiKey          bearer key for {@code POST /v1/sessions}; absent means loopback callers only ({@code VOXRELAY_API_KEY})
 * @param helloTimeoutMs  how long a new WebSocket may wait before its {@code hello} ({@code VOXRELAY_HELLO_TIMEOUT_MS})
 * @param busTimeoutMs    how long the gateway waits for another service on the event bus ({@code VOXRELAY_BUS_TIMEOUT_MS})
 * @param helloFailureLimit   failed hellos one address may make per window before it is refused ({@code VOXRELAY_HELLO_FAILURE_LIMIT})
 * @param helloFailureWindowMs that window ({@code VOXRELAY_HELLO_FAILURE_WINDOW_MS})
 * @param diagnosticsDebug    log clients' raw address and user agent with disconnect reports: an operator's
 *                            decision, never a client's ({@code VOXRELAY_DIAGNOSTICS_DEBUG}, off)
 * @param heartbeatIntervalMs how often clients send {@code heartbeat.ping}, told to each in {@code connected}
 *                            ({@link HygieneConfig#heartbeatIntervalMs()})
 */
public record GatewayConfig(String httpHost, int httpPort, Optional<Secret> apiKey, long helloTimeoutMs,
                            long busTimeoutMs, int helloFailureLimit, long helloFailureWindowMs,
                            boolean diagnosticsDebug, long heartbeatIntervalMs) {

  public static GatewayConfig fromEnv(Env env) {
    return new GatewayConfig(
        env.string("VOXRELAY_HTTP_HOST", "0.0.0.0"),
        env.integer("VOXRELAY_HTTP_PORT", 8080),
        Secret.of(env.optional("VOXRELAY_API_KEY")),
        env.millis("VOXRELAY_HELLO_TIMEOUT_MS", 5_000),
        env.millis("VOXRELAY_BUS_TIMEOUT_MS", 5_000),
        env.integer("VOXRELAY_HELLO_FAILURE_LIMIT", 10),
        env.millis("VOXRELAY_HELLO_FAILURE_WINDOW_MS", 60_000),
        env.bool("VOXRELAY_DIAGNOSTICS_DEBUG", false),
        HygieneConfig.fromEnv(env).heartbeatIntervalMs());
  }

  public GatewayConfig withHttpPort(int port) {
    return new GatewayConfig(httpHost, port, apiKey, helloTimeoutMs, busTimeoutMs, helloFailureLimit,
        helloFailureWindowMs, diagnosticsDebug, heartbeatIntervalMs);
  }
}
