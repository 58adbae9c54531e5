package io.voxrelay.common.audio;

/** Base64 text (RFC 4648, standard alphabet), checked character by character without decoding. */
public final class Base64Text {

  /** {@link #classesOf}: a symbol of the alphabet. */
  public static final int SYMBOL = 1;
  /** {@link #classesOf}: the padding character {@code =}. */
  public static final int PADDING = 2;
  /** {@link #classesOf}: a quote or a backslash (the text is not a plain JSON string's content). */
  public static final int QUOTE = 4;
  /** {@link #classesOf}: any other character. */
  public static final int OTHER = 8;

  /**
   * The class of each Latin-1 character. Every character of every audio frame is looked up here: one load per
   * character and no branch, where a comparison per class would be four.
   */
  private static final byte[] CLASSES = new byte[256];

  static {
    java.util.Arrays.fill(CLASSES, (byte) OTHER);
    for (char c = 'A'; c <= 'Z'; c++) {
      CLASSES[c] = SYMBOL;
      CLASSES[Character.toLowerCase(c)] = SYMBOL;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASSES[c] = SYMBOL;
    }
    CLASSES['+'] = SYMBOL;
    CLASSES['/'] = SYMBOL;
    CLASSES['='] = PADDING;
    CLASSES['"'] = QUOTE;
    CLASSES['\\'] = QUOTE;
  }

  private Base64Text() {
  }

  /** A character of the base64 alphabet, padding excluded. */
  public static boolean isSymbol(char c) {
    return c < CLASSES.length && CLASSES[c] == SYMBOL;
  }

  /**
   * The classes of the characters in {@code text} ({@link #SYMBOL}, {@link #PADDING}, {@link #QUOTE},
   * {@link #OTHER}), or-ed together. A character outside Latin-1 counts as {@link #OTHER}.
   */
  public static int classesOf(String text) {
    // Base64 text is Latin-1, stored a byte per character: this is a copy of those bytes (any other character
    // becomes '?'), read without the per-character checks of charAt.
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int seen = 0;
    for (byte b : bytes) {
      seen |= CLASSES[b & 0xff];
    }
    return seen;
  }

  /** Whether {@code text} holds only base64 symbols and padding (where the padding stands is not checked). */
  public static boolean onlySymbolsAndPadding(String text) {
    return (classesOf(text) & ~(SYMBOL | PADDING)) == 0;
  }
}
