package io.voxrelay.gateway;

import io.voxrelay.common.config.Secret;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may create sessions: callers presenting {@code Authorization: Bearer <key>} when a key is configured,
 * otherwise only loopback callers (the embedded default). Forwarding headers are ignored on purpose.
 */
final class ApiKeyCheck {

  private final Optional<byte[]> keyDigest;

  ApiKeyCheck(Optional<Secret> apiKey) {
    this.keyDigest = apiKey.map(k -> sha256(k.reveal()));
  }

  boolean keyConfigured() {
    return keyDigest.isPresent();
  }

  boolean allows(HttpServerRequest request) {
    if (keyDigest.isEmpty()) {
      return isLoopback(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
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
        : "no API key is configured, so only loopback callers are accepted");
    return false;
  }

  static boolean isLoopback(String hostAddress) {
    if (hostAddress == null) {
      return false;
    }
    try {
      // A literal address is parsed without any DNS lookup.
      return InetAddress.getByName(hostAddress).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
