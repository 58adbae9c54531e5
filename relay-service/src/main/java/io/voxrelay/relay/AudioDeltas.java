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
  private static final String ITEM = "\"item_id\":\"";
  /** Longest item id passed on (upstream ids are short). */
  static final int MAX_ITEM_ID = 64;

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
    String delta = text.substring(start, end);
    return Base64Text.onlySymbolsAndPadding(delta) ? delta : null;
  }

  /**
   * The {@code item_id} of an audio delta event, or null when it has none that may go into a client event
   * unescaped (letters, digits, {@code _} and {@code -}, at most {@link #MAX_ITEM_ID}).
   */
  static String itemOf(String text) {
    int start = text.indexOf(ITEM);
    if (start < 0) {
      return null;
    }
    start += ITEM.length();
    int end = text.indexOf('"', start);
    return end < 0 ? null : itemId(text.substring(start, end));
  }

  /** {@code id} when it is a plain item id, else null. */
  static String itemId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ITEM_ID) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c < 128 && Character.isLetterOrDigit(c)) && c != '_' && c != '-') {
        return null;
      }
    }
    return id;
  }

  /** Whether {@code text} holds only base64 characters (so it can go into JSON without escaping). */
  static boolean isBase64(String text) {
    return Base64Text.onlySymbolsAndPadding(text);
  }
}
