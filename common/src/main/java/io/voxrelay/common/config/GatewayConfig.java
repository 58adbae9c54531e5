package io.voxrelay.common.config;

import io.voxrelay.common.net.WriteBounds;

import java.util.Optional;

/**
 * The gateway's settings.
 *
 * @param httpHost        interface the HTTP server binds ({@code VOXRELAY_HTTP_HOST}, default {@code 127.0.0.1}:
 *                        this machine only; {@code 0.0.0.0} for every interface)
 * @param httpPort        HTTP and WebSocket port ({@code VOXRELAY_HTTP_PORT}, default 8080)
 * @param apiKey          bearer key of the session API, required ({@code VOXRELAY_API_KEY}; the standalone run makes one
 *                        in its data directory when none is set)
 * @param helloTimeoutMs  how long a new WebSocket may wait before its {@code hello} ({@code VOXRELAY_HELLO_TIMEOUT_MS})
 * @param busTimeoutMs    how long the gateway waits for another service on the event bus ({@code VOXRELAY_BUS_TIMEOUT_MS})
 * @param helloFailureLimit   failed hellos one address may make per window before it is refused ({@code VOXRELAY_HELLO_FAILURE_LIMIT})
 * @param helloFailureWindowMs that window ({@code VOXRELAY_HELLO_FAILURE_WINDOW_MS})
 * @param diagnosticsDebug    log clients' raw address and user agent with disconnect reports: an operator's
 *                            decision, never a client's ({@code VOXRELAY_DIAGNOSTICS_DEBUG}, off)
 * @param heartbeatIntervalMs how often clients send {@code heartbeat.ping}, told to each in {@code connected}
 *                            ({@link HygieneConfig#heartbeatIntervalMs()})
 * @param trustedProxies      IPs or CIDRs whose {@code X-Forwarded-For} / {@code Forwarded} headers are believed
 *                            ({@code VOXRELAY_TRUSTED_PROXIES}; none by default)
 * @param allowedOrigins      browser origins allowed on the WebSocket and the browser endpoints, besides the
 *                            gateway's own ({@code VOXRELAY_ALLOWED_ORIGINS}; default: localhost origins; {@code *}: any)
 * @param audioBurstMs        how much microphone audio, in ms, a client may send at once above real time (a backlog
 *                            after a network stall); beyond it, audio faster than 1.25x real time is dropped
 *                            ({@code VOXRELAY_AUDIO_BURST_MS}, 2 s)
 * @param httpIdleTimeoutMs   a connection that sends and receives nothing for this long is cut: a slow request,
 *                            an abandoned keep-alive ({@code VOXRELAY_HTTP_IDLE_TIMEOUT_MS}; default the heartbeat
 *                            timeout plus 30 s, and never less than the heartbeat timeout, so no heartbeating
 *                            socket is cut, even in a throttled background tab)
 * @param clientWrites        what a client that stops reading may hold back: its socket queue
 *                            ({@code VOXRELAY_CLIENT_QUEUE_BYTES}, 1 MiB; past it the AI's audio is dropped), then
 *                            frames that may not be lost ({@code VOXRELAY_CLIENT_OVERFLOW_BYTES}, 256 KiB) and a
 *                            time full ({@code VOXRELAY_CLIENT_STALL_MS}, 15 s); past either, it is closed with 1013
 * @param maxConnectionsPerAddress WebSockets one client address may hold open in one gateway process
 *                            ({@code VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS}, 100); past it an upgrade gets 429
 * @param demoBackendUrl      the demo page's app backend: the page's {@code POST /demo/sessions} is forwarded
 *                            there, so the browser never holds the API key ({@code VOXRELAY_DEMO_BACKEND_URL};
 *                            the standalone run's example backend; unset: no such route)
 */
public record GatewayConfig(String httpHost, int httpPort, Optional<Secret> apiKey, long helloTimeoutMs,
                            long busTimeoutMs, int helloFailureLimit, long helloFailureWindowMs,
                            boolean diagnosticsDebug, long heartbeatIntervalMs, java.util.List<String> trustedProxies,
                            java.util.List<String> allowedOrigins,
                            long httpIdleTimeoutMs, long audioBurstMs, WriteBounds clientWrites,
                            int maxConnectionsPerAddress, Optional<String> demoBackendUrl) {

  public static GatewayConfig fromEnv(Env env) {
    HygieneConfig hygiene = HygieneConfig.fromEnv(env);
    long idle = env.millis("VOXRELAY_HTTP_IDLE_TIMEOUT_MS", hygiene.heartbeatTimeoutMs() + 30_000);
    if (idle < hygiene.heartbeatTimeoutMs()) {
      throw new IllegalArgumentException("VOXRELAY_HTTP_IDLE_TIMEOUT_MS (" + idle + ") must not be less than "
          + "VOXRELAY_HEARTBEAT_TIMEOUT_MS (" + hygiene.heartbeatTimeoutMs() + "): it would cut heartbeating clients");
    }
    return new GatewayConfig(
        env.string("VOXRELAY_HTTP_HOST", "127.0.0.1"),
        env.integer("VOXRELAY_HTTP_PORT", 8080),
        Secret.of(env.optional("VOXRELAY_API_KEY")),
        env.millis("VOXRELAY_HELLO_TIMEOUT_MS", 5_000),
        env.millis("VOXRELAY_BUS_TIMEOUT_MS", 5_000),
        env.integer("VOXRELAY_HELLO_FAILURE_LIMIT", 10),
        env.millis("VOXRELAY_HELLO_FAILURE_WINDOW_MS", 60_000),
        env.bool("VOXRELAY_DIAGNOSTICS_DEBUG", false),
        hygiene.heartbeatIntervalMs(),
        env.list("VOXRELAY_TRUSTED_PROXIES"),
        env.list("VOXRELAY_ALLOWED_ORIGINS"),
        idle,
        env.millis("VOXRELAY_AUDIO_BURST_MS", 2_000),
        new WriteBounds(env.integer("VOXRELAY_CLIENT_QUEUE_BYTES", 1 << 20),
            env.integer("VOXRELAY_CLIENT_OVERFLOW_BYTES", 256 * 1024),
            env.millis("VOXRELAY_CLIENT_STALL_MS", 15_000)),
        env.integer("VOXRELAY_MAX_CONNECTIONS_PER_ADDRESS", 100),
        env.optional("VOXRELAY_DEMO_BACKEND_URL"));
  }

  /**
   * The API key. The session API admits callers by key only (an address proves nothing behind a proxy on the
   * same host), so a gateway never starts without one.
   */
  public Secret requiredApiKey() {
    return apiKey.orElseThrow(() -> new IllegalArgumentException("VOXRELAY_API_KEY is required: the session API "
        + "admits callers by key only (docs/operations.md, Security)"));
  }

  public GatewayConfig withHttpPort(int port) {
    return new GatewayConfig(httpHost, port, apiKey, helloTimeoutMs, busTimeoutMs, helloFailureLimit,
        helloFailureWindowMs, diagnosticsDebug, heartbeatIntervalMs, trustedProxies, allowedOrigins,
        httpIdleTimeoutMs, audioBurstMs, clientWrites, maxConnectionsPerAddress, demoBackendUrl);
  }

  /**
   * How long the gateway waits for a relay to open an upstream: the relay's own path (a claim, then the
   * upstream's connect) and a bus timeout for the answer, so the gateway never gives up before the relay does.
   */
  public long openWaitMs() {
    return RelayConfig.gatewayOpenWaitMs(busTimeoutMs);
  }
}
