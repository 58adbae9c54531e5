package io.voxrelay.common.text;

/**
 * Values from clients (headers, report fields, anything not checked against a strict form) made safe to log:
 * one line, no terminal escapes, and short. A control character (CR, LF, ESC, …) becomes {@code \\uXXXX}, so
 * nothing a client sends can forge a log line or recolour a terminal.
 */
public final class LogSafe {

  /** Longest value logged; the rest is cut and marked with an ellipsis. */
  public static final int MAX_CHARS = 120;

  private LogSafe() {
  }

  /** {@code value} escaped and cut to {@link #MAX_CHARS}; {@code "-"} for null. */
  public static String text(String value) {
    if (value == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8);
    for (int i = 0; i < value.length() && out.length() < MAX_CHARS; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= MAX_CHARS && value.length() > MAX_CHARS) {
      out.setLength(MAX_CHARS);
      out.append('…');
    }
    return out.toString();
  }
}
