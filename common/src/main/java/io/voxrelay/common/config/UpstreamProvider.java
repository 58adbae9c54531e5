package io.voxrelay.common.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The realtime model services a relay can talk to. Each has its own endpoint, way of sending its key, and session
 * cap; both speak OpenAI's GA Realtime protocol.
 */
public enum UpstreamProvider {

  /** OpenAI's Realtime API (GA): {@code <url>?model=<model>}, {@code Authorization: Bearer <key>}, 60-minute sessions. */
  OPENAI("openai", "OPENAI_API_KEY", "wss://api.openai.com/v1/realtime", "gpt-realtime", 60 * 60_000L),
  /**
   * Azure OpenAI's Realtime API (GA): the same protocol at {@code wss://<resource>.openai.azure.com/openai/v1/realtime}
   * (no default: the URL names the operator's resource), {@code ?model=<deployment>}, an {@code api-key} header,
   * and 30-minute sessions.
   */
  AZURE("azure", "AZURE_OPENAI_API_KEY", null, "gpt-realtime", 30 * 60_000L);

  private final String wireName;
  private final String keyVariable;
  private final String defaultUrl;
  private final String defaultModel;
  private final long maxSessionMs;

  UpstreamProvider(String wireName, String keyVariable, String defaultUrl, String defaultModel, long maxSessionMs) {
    this.wireName = wireName;
    this.keyVariable = keyVariable;
    this.defaultUrl = defaultUrl;
    this.defaultModel = defaultModel;
    this.maxSessionMs = maxSessionMs;
  }

  /** Its name in settings: {@code openai}, {@code azure}. */
  public String wireName() {
    return wireName;
  }

  /** The env variable that holds its key. */
  public String keyVariable() {
    return keyVariable;
  }

  /** Its public endpoint, if it has one that needs no account-specific name. */
  public Optional<String> defaultUrl() {
    return Optional.ofNullable(defaultUrl);
  }

  public String defaultModel() {
    return defaultModel;
  }

  /** The provider's own cap on one upstream session: the relay rolls over before it. */
  public long maxSessionMs() {
    return maxSessionMs;
  }

  /**
   * The provider named {@code name} (as in settings), or an {@link IllegalArgumentException} naming
   * {@code setting} and the choices.
   */
  public static UpstreamProvider named(String name, String setting) {
    for (UpstreamProvider provider : values()) {
      if (provider.wireName.equals(name)) {
        return provider;
      }
    }
    throw new IllegalArgumentException(setting + " must be one of " + choices() + ", was '" + name + "'");
  }

  /** The provider {@code setting} names, or {@code defaultProvider} when it is not set. */
  public static UpstreamProvider fromEnv(Env env, String setting, UpstreamProvider defaultProvider) {
    return env.optional(setting).map(name -> named(name, setting)).orElse(defaultProvider);
  }

  /** The names, for messages: {@code openai | azure}. */
  public static String choices() {
    return Arrays.stream(values()).map(UpstreamProvider::wireName).collect(Collectors.joining(" | "));
  }
}
