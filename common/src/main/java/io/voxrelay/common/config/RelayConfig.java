package io.voxrelay.common.config;

import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.protocol.UpstreamOptionRules;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The relay's settings: where the upstream realtime model is and how to talk to it.
 *
 * @param upstream             the upstream: {@code VOXRELAY_UPSTREAM_PROVIDER} ({@code openai} or {@code azure}),
 *                             {@code VOXRELAY_UPSTREAM_URL}, {@code VOXRELAY_UPSTREAM_MODEL}
 *                             (Azure's deployment), {@code VOXRELAY_UPSTREAM_MAX_SESSION_MS} (the provider's cap,
 *                             60 min at OpenAI, 30 at Azure) and the provider's key ({@code OPENAI_API_KEY} or
 *                             {@code AZURE_OPENAI_API_KEY}), never logged, never sent to a
 *                             browser
 * @param fallback             where a session moves, for good, when its upstream is out: {@code VOXRELAY_FALLBACK_PROVIDER},
 *                             {@code VOXRELAY_FALLBACK_URL}, {@code VOXRELAY_FALLBACK_MODEL},
 *                             {@code VOXRELAY_FALLBACK_MAX_SESSION_MS} and that provider's key; none unless the provider is set
 * @param providerCooldownMs   how long an upstream a session failed over from is avoided by new sessions on that relay
 *                             ({@code VOXRELAY_PROVIDER_COOLDOWN_MS}, 60 s)
 * @param upstreamDefaults     the upstream session options of a session that sets none of its own: voice
 *                             ({@code VOXRELAY_UPSTREAM_VOICE}), turn detection, transcription and the rest
 *                             ({@link UpstreamOptionRules#defaults})
 * @param detachGraceMs        how long an upstream stays open after its client went away ({@code VOXRELAY_DETACH_GRACE_MS})
 * @param busTimeoutMs         how long the relay waits for another service on the event bus ({@code VOXRELAY_BUS_TIMEOUT_MS})
 * @param rolloverMarginMs     how long before the upstream's session cap the relay moves to a fresh upstream session ({@code VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS})
 * @param reconnectAttempts    upstream reconnection attempts after a drop before giving up ({@code VOXRELAY_UPSTREAM_RECONNECT_ATTEMPTS})
 * @param reconnectBaseDelayMs first reconnection delay, doubled per attempt up to 5 s ({@code VOXRELAY_UPSTREAM_RECONNECT_DELAY_MS})
 * @param maxSessions          upstreams one relay process holds at most; past it, opens are refused with a clear
 *                             error so another relay can take them ({@code VOXRELAY_RELAY_MAX_SESSIONS})
 * @param lease                the relay's lease: its margin and its outage allowance ({@link LeaseConfig})
 */
public record RelayConfig(UpstreamEndpoint upstream, Optional<UpstreamEndpoint> fallback, long providerCooldownMs,
                          UpstreamOptions upstreamDefaults, long detachGraceMs, long busTimeoutMs, long rolloverMarginMs,
                          int reconnectAttempts, long reconnectBaseDelayMs, int maxSessions, LeaseConfig lease) {

  /** How long the relay waits for an upstream WebSocket to open. */
  public static final long UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;

  /** The settings' prefixes of the primary upstream and of the fallback ({@link UpstreamEndpoint#fromEnv}). */
  private static final String UPSTREAM = "VOXRELAY_UPSTREAM";
  private static final String FALLBACK = "VOXRELAY_FALLBACK";

  public RelayConfig {
    requireRolloverBeforeCap(rolloverMarginMs, upstream, UPSTREAM);
    fallback.ifPresent(f -> requireRolloverBeforeCap(rolloverMarginMs, f, FALLBACK));
    if (providerCooldownMs < 0) {
      throw new IllegalArgumentException("VOXRELAY_PROVIDER_COOLDOWN_MS must be at least 0, was " + providerCooldownMs);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("VOXRELAY_RELAY_MAX_SESSIONS must be at least 1");
    }
  }

  /** The rollover must come before {@code upstream}'s session cap ({@code <prefix>_MAX_SESSION_MS}). */
  private static void requireRolloverBeforeCap(long rolloverMarginMs, UpstreamEndpoint upstream, String prefix) {
    if (rolloverMarginMs >= upstream.maxSessionMs()) {
      throw new IllegalArgumentException("VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS must be shorter than " + prefix
          + "_MAX_SESSION_MS (" + upstream.maxSessionMs() + " ms at " + upstream.provider().wireName() + ")");
    }
  }

  /**
   * The relay's settings with each upstream whose URL is not set at {@code urlOf} its provider: the bundled
   * simulator's path for that provider.
   */
  public static RelayConfig fromEnv(Env env, Function<UpstreamProvider, String> urlOf) {
    return fromEnv(env.withDefaults(Map.of(
        UPSTREAM + "_URL", urlOf.apply(provider(env, UPSTREAM)),
        FALLBACK + "_URL", urlOf.apply(provider(env, FALLBACK)))));
  }

  /** The provider of the primary upstream ({@code VOXRELAY_UPSTREAM_PROVIDER}, OpenAI when unset). */
  public static UpstreamProvider upstreamProvider(Env env) {
    return provider(env, UPSTREAM);
  }

  private static UpstreamProvider provider(Env env, String prefix) {
    return UpstreamProvider.fromEnv(env, prefix + "_PROVIDER", UpstreamProvider.OPENAI);
  }

  public static RelayConfig fromEnv(Env env) {
    return new RelayConfig(
        UpstreamEndpoint.fromEnv(env, UPSTREAM, UpstreamProvider.OPENAI),
        env.optional(FALLBACK + "_PROVIDER").isEmpty() ? Optional.empty()
            : Optional.of(UpstreamEndpoint.fromEnv(env, FALLBACK, UpstreamProvider.OPENAI)),
        env.millis("VOXRELAY_PROVIDER_COOLDOWN_MS", 60_000),
        UpstreamOptionRules.defaults(env),
        env.millis("VOXRELAY_DETACH_GRACE_MS", 30_000),
        env.millis("VOXRELAY_BUS_TIMEOUT_MS", 5_000),
        env.millis("VOXRELAY_UPSTREAM_ROLLOVER_MARGIN_MS", 3 * 60_000),
        env.integer("VOXRELAY_UPSTREAM_RECONNECT_ATTEMPTS", 6),
        env.millis("VOXRELAY_UPSTREAM_RECONNECT_DELAY_MS", 250),
        env.integer("VOXRELAY_RELAY_MAX_SESSIONS", 10_000),
        LeaseConfig.fromEnv(env));
  }

  /**
   * The longest a relay's open of an upstream takes: the claim (one bus request) and the upstream's connect.
   * A gateway waits this long plus one bus timeout for the answer.
   */
  public long openPathMs() {
    return busTimeoutMs + UPSTREAM_CONNECT_TIMEOUT_MS;
  }

  /** How long a gateway with bus timeout {@code busTimeoutMs} waits for a relay to open an upstream. */
  public static long gatewayOpenWaitMs(long busTimeoutMs) {
    return busTimeoutMs + UPSTREAM_CONNECT_TIMEOUT_MS + busTimeoutMs;
  }

  /** The share of one of {@code instances} relay instances in a process: the maximum divided, rounded up. */
  public RelayConfig perInstance(int instances) {
    return new RelayConfig(upstream, fallback, providerCooldownMs, upstreamDefaults, detachGraceMs, busTimeoutMs,
        rolloverMarginMs, reconnectAttempts, reconnectBaseDelayMs, (maxSessions + instances - 1) / instances, lease);
  }

  /** The same settings with the upstream at {@code url} (the bundled simulator's). */
  public RelayConfig withUpstreamUrl(String url) {
    return new RelayConfig(upstream.at(url), fallback, providerCooldownMs, upstreamDefaults, detachGraceMs,
        busTimeoutMs, rolloverMarginMs, reconnectAttempts, reconnectBaseDelayMs, maxSessions, lease);
  }
}
