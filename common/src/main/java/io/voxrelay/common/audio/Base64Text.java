package io.voxrelay.common.audio;

/** Base64 text (RFC 4648, standard alphabet), checked character by character without decoding. */
public final class Base64Text {

  private Base64Text() {
  }

  /** A character of the base64 alphabet, padding excluded. */
  public static boolean isSymbol(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  }
}
