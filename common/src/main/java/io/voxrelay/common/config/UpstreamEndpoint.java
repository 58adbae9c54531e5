package io.voxrelay.common.config;

import io.voxrelay.common.net.LoopbackHosts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * One upstream a relay opens sessions at: which provider, where, which model (at Azure, the deployment), and the
 * key. The key is never logged ({@link Secret}).
 *
 * @param provider   the service's kind
 * @param url        its realtime WebSocket URL, without query
 * @param model      the model, or Azure's deployment name
 * @param key          its key, from the provider's variable ({@link UpstreamProvider#keyVariable()})
 * @param maxSessionMs the provider's cap on one upstream session ({@code <prefix>_MAX_SESSION_MS}, the provider's
 *                     own by default: {@link UpstreamProvider#maxSessionMs()})
 * @param urlSetting   the setting the URL came from, for messages
 */
public record UpstreamEndpoint(UpstreamProvider provider, String url, String model, Optional<Secret> key,
                               long maxSessionMs, String urlSetting) {

  public UpstreamEndpoint {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(urlSetting + " is not a URL");
    }
    if (!"ws".equalsIgnoreCase(uri.getScheme()) && !"wss".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(urlSetting + " must be a ws:// or wss:// URL");
    }
    if (key.isPresent() && "ws".equalsIgnoreCase(uri.getScheme()) && !LoopbackHosts.isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(urlSetting + " is a ws:// URL to another host: the upstream key ("
          + provider.keyVariable() + ") would cross the network in clear; use wss://");
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("the upstream model cannot be empty (" + urlSetting + ")");
    }
  }

  /**
   * The upstream named by {@code prefix}: {@code <prefix>_PROVIDER} ({@code defaultProvider} if unset),
   * {@code <prefix>_URL} (the provider's public endpoint if unset; Azure has none), {@code <prefix>_MODEL} and
   * {@code <prefix>_MAX_SESSION_MS}.
   */
  static UpstreamEndpoint fromEnv(Env env, String prefix, UpstreamProvider defaultProvider) {
    String providerSetting = prefix + "_PROVIDER";
    UpstreamProvider provider = UpstreamProvider.fromEnv(env, providerSetting, defaultProvider);
    String urlSetting = prefix + "_URL";
    String url = env.optional(urlSetting).or(provider::defaultUrl).orElseThrow(() -> new IllegalArgumentException(
        urlSetting + " is required with " + providerSetting + "=" + provider.wireName()
            + " (wss://<resource>.openai.azure.com/openai/v1/realtime)"));
    return new UpstreamEndpoint(provider, url, env.string(prefix + "_MODEL", provider.defaultModel()),
        Secret.of(env.optional(provider.keyVariable())),
        env.millis(prefix + "_MAX_SESSION_MS", provider.maxSessionMs()), urlSetting);
  }

  /** The same upstream at another URL (the bundled simulator's). */
  public UpstreamEndpoint at(String otherUrl) {
    return new UpstreamEndpoint(provider, otherUrl, model, key, maxSessionMs, urlSetting);
  }

  /** For logs: the provider, the URL and the model, never the key. */
  @Override
  public String toString() {
    return provider.wireName() + " " + url + " (model " + model + ")";
  }
}
