package io.voxrelay.common.audio;

/** Base64 text (RFC 4648, standard alphabet), checked character by character without decoding. */
public final class Base64Text {

  /** The alphabet by character: checked for every character of every audio frame, so one load each. */
  private static final boolean[] SYMBOLS = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) {
      SYMBOLS[c] = true;
      SYMBOLS[Character.toLowerCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      SYMBOLS[c] = true;
    }
    SYMBOLS['+'] = true;
    SYMBOLS['/'] = true;
  }

  private Base64Text() {
  }

  /** A character of the base64 alphabet, padding excluded. */
  public static boolean isSymbol(char c) {
    return c < SYMBOLS.length && SYMBOLS[c];
  }
}
