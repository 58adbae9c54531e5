package io.voxrelay.common.protocol;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The form of a session id: {@code s_} and 32 lowercase hex digits (128 random bits). A value from a client
 * that is not of this form names no session: it is refused before it is used or logged.
 */
public final class SessionIds {

  private static final Pattern FORM = Pattern.compile("s_[0-9a-f]{32}");

  private SessionIds() {
  }

  /** The session id made of 16 random bytes. */
  public static String of(byte[] random16) {
    if (random16.length != 16) {
      throw new IllegalArgumentException("a session id takes 16 random bytes");
    }
    return "s_" + HexFormat.of().formatHex(random16);
  }

  /** Whether {@code value} has the form of a session id (it may still name no session). */
  public static boolean isWellFormed(String value) {
    return value != null && value.length() == 34 && FORM.matcher(value).matches();
  }
}
