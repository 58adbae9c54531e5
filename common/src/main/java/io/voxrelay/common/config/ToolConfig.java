package io.voxrelay.common.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where a relay carries out the function tools of sessions: the app's backend at {@code VOXRELAY_TOOL_URL},
 * each call signed like the webhooks.
 *
 * @param url           the backend's tool endpoint; without it, a session created with tools is refused
 * @param secret        the signing key ({@code VOXRELAY_TOOL_SECRET}: one secret per endpoint, never the webhooks')
 * @param timeoutMs     how long one call may take before the model is told it timed out
 *                      ({@code VOXRELAY_TOOL_TIMEOUT_MS}, 10 s)
 */
public record ToolConfig(Optional<URI> url, Optional<Secret> secret, long timeoutMs) {

  public static final long TIMEOUT_MS = 10_000;
  /** The largest reply a tool endpoint may send: what the model reads must stay small. */
  public static final int MAX_REPLY_BYTES = 64 * 1024;
  /** The most tool calls of one session under way at once. */
  public static final int MAX_CALLS_PER_SESSION = 4;

  public ToolConfig {
    BackendUrls.check(url, secret, "VOXRELAY_TOOL_URL", "VOXRELAY_TOOL_SECRET");
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("VOXRELAY_TOOL_TIMEOUT_MS must be positive");
    }
  }

  public static ToolConfig fromEnv(Env env) {
    Optional<URI> url = BackendUrls.read(env, "VOXRELAY_TOOL_URL");
    Optional<String> secret = env.optional("VOXRELAY_TOOL_SECRET").filter(v -> !v.isBlank());
    return new ToolConfig(url, Secret.of(secret), env.millis("VOXRELAY_TOOL_TIMEOUT_MS", TIMEOUT_MS));
  }

  public static ToolConfig off() {
    return new ToolConfig(Optional.empty(), Optional.empty(), TIMEOUT_MS);
  }

  public boolean enabled() {
    return url.isPresent();
  }
}
