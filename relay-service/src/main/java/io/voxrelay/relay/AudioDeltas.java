package io.voxrelay.relay;

import io.voxrelay.common.audio.Base64Text;

/**
 * Finds the audio in a GA {@code response.output_audio.delta} event without parsing it: that event is most of
 * what an upstream sends while the AI speaks. Anything unexpected returns null, and the event takes the
 * general parser.
 */
final class AudioDeltas {

  private static final String TYPE = "\"type\":\"response.output_audio.delta\"";
  private static final String DELTA = "\"delta\":\"";

  private AudioDeltas() {
  }

  /** The base64 audio of an audio delta event, or null when {@code text} is some other event. */
  static String audioOf(String text) {
    if (text.isEmpty() || text.charAt(0) != '{' || !text.contains(TYPE)) {
      return null;
    }
    int start = text.indexOf(DELTA);
    if (start < 0) {
      return null;
    }
    start += DELTA.length();
    int end = text.indexOf('"', start);
    if (end < 0) {
      return null;
    }
    return isBase64(text, start, end) ? text.substring(start, end) : null;
  }

  /** Whether {@code text} holds only base64 characters (so it can go into JSON without escaping). */
  static boolean isBase64(String text) {
    return isBase64(text, 0, text.length());
  }

  private static boolean isBase64(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!Base64Text.isSymbol(c) && c != '=') {
        return false;
      }
    }
    return true;
  }
}
