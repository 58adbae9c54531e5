package io.voxrelay.gateway;

import io.voxrelay.common.config.Secret;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may call the server-to-server routes: callers presenting {@code Authorization: Bearer <key>}, and no one
 * else. No address or {@code Host} counts: behind a reverse proxy on the same host every Internet client is
 * "loopback", and the proxy may even send {@code Host: localhost}. The key is compared by digest, in constant
 * time.
 */
final class ApiKeyCheck {

  private final byte[] keyDigest;

  ApiKeyCheck(Secret apiKey) {
    this.keyDigest = sha256(apiKey.reveal());
  }

  boolean allows(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(keyDigest, sha256(header.substring(7).trim()));
  }

  /**
   * For the server-to-server routes: true when the caller may go on; otherwise answers 401 in the JSON error
   * format, saying what is required, and returns false.
   */
  boolean admitOrRefuse(RoutingContext ctx) {
    if (allows(ctx.request())) {
      return true;
    }
    HttpErrors.send(ctx, 401, "unauthorized", "a valid 'Authorization: Bearer <api key>' header is required");
    return false;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
