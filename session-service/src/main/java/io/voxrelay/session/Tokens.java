package io.voxrelay.session;

import io.voxrelay.common.protocol.SessionIds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Client tokens: 256 random bits from a secure source, handed out once and stored only as a SHA-256 hash.
 * Checks compare hashes in constant time.
 */
final class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TOKEN_BYTES = 32;

  private Tokens() {
  }

  static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String newSessionId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return SessionIds.of(bytes);
  }

  static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** Constant-time with respect to the token's content: both sides are hashed to the same length first. */
  static boolean matches(String token, String storedHash) {
    if (token == null || storedHash == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(token), HexFormat.of().parseHex(storedHash));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
