package io.voxrelay.gateway;

import io.voxrelay.common.net.LoopbackHosts;
import io.voxrelay.common.config.Secret;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the server-to-server routes: callers presenting {@code Authorization: Bearer <key>} when a key
 * is configured. Otherwise (the embedded default) only loopback callers, addressing the gateway by a loopback
 * name or one in {@code VOXRELAY_ALLOWED_HOSTS}: a web page that rebinds its own name to 127.0.0.1 still
 * sends its own name as {@code Host}, and is refused. The caller's address is the one {@link ClientAddresses}
 * finds, so forwarding headers count only from trusted proxies.
 */
final class ApiKeyCheck {

  private final Optional<byte[]> keyDigest;
  private final ClientAddresses addresses;
  private final List<String> allowedHosts;

  ApiKeyCheck(Optional<Secret> apiKey, ClientAddresses addresses, List<String> allowedHosts) {
    this.keyDigest = apiKey.map(k -> sha256(k.reveal()));
    this.addresses = addresses;
    this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  boolean keyConfigured() {
    return keyDigest.isPresent();
  }

  boolean allows(HttpServerRequest request) {
    if (keyDigest.isEmpty()) {
      return LoopbackHosts.isLoopback(addresses.clientOf(request.remoteAddress(), request.headers()))
          && hostAllowed(request.getHeader("Host"));
    }
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(keyDigest.get(), sha256(header.substring(7).trim()));
  }

  /**
   * For the server-to-server routes: true when the caller may go on; otherwise answers 401 in the JSON error
   * format, saying what is required, and returns false.
   */
  boolean admitOrRefuse(RoutingContext ctx) {
    if (allows(ctx.request())) {
      return true;
    }
    HttpErrors.send(ctx, 401, "unauthorized", keyConfigured()
        ? "a valid 'Authorization: Bearer <api key>' header is required"
        : "no API key is configured, so only loopback callers addressing a loopback host are accepted");
    return false;
  }

  private boolean hostAllowed(String host) {
    if (BrowserOrigins.isLoopbackHost(host)) {
      return true;
    }
    return host != null && (allowedHosts.contains(host.toLowerCase(java.util.Locale.ROOT))
        || allowedHosts.contains(BrowserOrigins.hostName(host)));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
