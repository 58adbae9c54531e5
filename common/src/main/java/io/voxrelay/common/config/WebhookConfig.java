package io.voxrelay.common.config;

import java.net.URI;
import java.util.Optional;

/**
 * Lifecycle webhooks to the app's backend. Off unless {@code VOXRELAY_WEBHOOK_URL} is set, and then
 * {@code VOXRELAY_WEBHOOK_SECRET} must be set too: every request is signed. Every session-service instance
 * needs the same settings.
 *
 * @param url        where events are POSTed ({@code VOXRELAY_WEBHOOK_URL}), empty when webhooks are off
 * @param secret     the HMAC key of the signature ({@code VOXRELAY_WEBHOOK_SECRET})
 * @param timeoutMs  how long one delivery attempt may take ({@code VOXRELAY_WEBHOOK_TIMEOUT_MS}, 10 s)
 * @param maxAgeMs   an event not delivered by then is dropped, and counted ({@code VOXRELAY_WEBHOOK_MAX_AGE_MS}, 24 h)
 * @param maxQueued  the most events kept waiting; past it the oldest are dropped, and counted
 *                   ({@code VOXRELAY_WEBHOOK_MAX_QUEUED}, 100 000)
 * @param maxBackoffMs the longest wait between two attempts at one event ({@code VOXRELAY_WEBHOOK_MAX_BACKOFF_MS}, 30 s)
 */
public record WebhookConfig(Optional<URI> url, Optional<Secret> secret, long timeoutMs, long maxAgeMs, int maxQueued,
                            long maxBackoffMs) {

  public static final long TIMEOUT_MS = 10_000;
  public static final long MAX_AGE_MS = 24L * 60 * 60_000;
  public static final int MAX_QUEUED = 100_000;
  public static final long MAX_BACKOFF_MS = 30_000;

  public WebhookConfig {
    BackendUrls.check(url, secret, "VOXRELAY_WEBHOOK_URL", "VOXRELAY_WEBHOOK_SECRET");
    if (timeoutMs <= 0 || maxAgeMs <= 0 || maxQueued <= 0 || maxBackoffMs <= 0) {
      throw new IllegalArgumentException("webhook timeouts, age and queue bound must be positive");
    }
  }

  public static WebhookConfig fromEnv(Env env) {
    return new WebhookConfig(BackendUrls.read(env, "VOXRELAY_WEBHOOK_URL"), Secret.of(env.optional("VOXRELAY_WEBHOOK_SECRET").filter(v -> !v.isBlank())),
        env.millis("VOXRELAY_WEBHOOK_TIMEOUT_MS", TIMEOUT_MS), env.millis("VOXRELAY_WEBHOOK_MAX_AGE_MS", MAX_AGE_MS),
        env.integer("VOXRELAY_WEBHOOK_MAX_QUEUED", MAX_QUEUED),
        env.millis("VOXRELAY_WEBHOOK_MAX_BACKOFF_MS", MAX_BACKOFF_MS));
  }

  /** Webhooks off. */
  public static WebhookConfig off() {
    return new WebhookConfig(Optional.empty(), Optional.empty(), TIMEOUT_MS, MAX_AGE_MS, MAX_QUEUED, MAX_BACKOFF_MS);
  }

  public boolean enabled() {
    return url.isPresent();
  }
}
