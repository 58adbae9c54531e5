package io.voxrelay.common.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature on every request voxrelay makes to the app's backend (webhooks, tool calls), as Stripe signs:
 * a header {@code X-Voxrelay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">} under the
 * shared secret. A receiver recomputes it over the raw body, compares in constant time, and refuses a {@code t}
 * further than {@link #TOLERANCE_SECONDS} from its own clock (a replayed request).
 */
public final class Signatures {

  public static final String HEADER = "X-Voxrelay-Signature";
  /** The replay window a receiver should allow, either way. */
  public static final long TOLERANCE_SECONDS = 300;

  private Signatures() {
  }

  /** The header value for {@code body} sent at {@code unixSeconds}. */
  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
  }

  /**
   * Whether {@code header} signs {@code body} under {@code secret} at a time within the tolerance of
   * {@code nowSeconds}. Any malformed header is simply not valid.
   */
  public static boolean verify(String secret, String header, byte[] body, long nowSeconds) {
    if (header == null) {
      return false;
    }
    long t = -1;
    byte[] given = null;
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        return false;
      }
      String key = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      try {
        if (key.equals("t")) {
          t = Long.parseLong(value);
        } else if (key.equals("v1")) {
          given = HexFormat.of().parseHex(value);
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (t < 0 || given == null || Math.abs(nowSeconds - t) > TOLERANCE_SECONDS) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(secret, t, body));
  }

  private static byte[] mac(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
