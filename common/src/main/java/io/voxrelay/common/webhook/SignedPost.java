package io.voxrelay.common.webhook;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;

/** A signed JSON POST to the app's backend (a webhook, a tool call): the one place its request is shaped. */
public final class SignedPost {

  private SignedPost() {
  }

  /**
   * The request for {@code body} to {@code url}, signed now with {@code secret} ({@link Signatures}), timed
   * out after {@code timeoutMs}; the caller adds its own headers.
   */
  public static RequestOptions to(URI url, long timeoutMs, String userAgent, String secret, byte[] body) {
    boolean tls = "https".equals(url.getScheme());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
        .setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80).setSsl(tls)
        .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
        .setTimeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", userAgent)
        .putHeader(Signatures.HEADER, Signatures.header(secret, System.currentTimeMillis() / 1000, body));
  }
}
