package io.voxrelay.common.protocol;

import io.voxrelay.common.audio.Base64Text;

/**
 * Audio frames are most of what a client sends (50 a second while it speaks), so they are checked without
 * building a JSON tree or decoding base64: the frame's shape and the base64 alphabet are checked, and the
 * decoded length is computed from the text's length.
 */
final class AudioFrames {

  /** What every client library sends: {@code JSON.stringify({type: 'audio', data})}. */
  private static final String PREFIX = "{\"type\":\"audio\",\"data\":\"";
  private static final String SUFFIX = "\"}";

  private AudioFrames() {
  }

  /**
   * The audio message in {@code text} when it has exactly the common shape; null for any other frame (which
   * then takes the general parser, so other key orders and spacing still work).
   *
   * @throws ProtocolException when it has that shape but the audio is not valid
   */
  static ClientMessage.Audio fastPath(String text) {
    if (!text.startsWith(PREFIX) || !text.endsWith(SUFFIX) || text.length() < PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String data = text.substring(PREFIX.length(), text.length() - SUFFIX.length());
    // One pass over the value: a quote or a backslash hands the frame to the JSON parser; otherwise it must be
    // base64.
    int classes = Base64Text.classesOf(data);
    if ((classes & Base64Text.QUOTE) != 0) {
      return null; // not a plain string value: let the JSON parser decide
    }
    if (data.isEmpty()) {
      throw new ProtocolException("invalid_message", "missing string field 'data'");
    }
    if ((classes & Base64Text.OTHER) != 0) {
      throw new ProtocolException("invalid_audio", "'data' must be base64");
    }
    return new ClientMessage.Audio(data, lengthOf(data, data.indexOf('=')));
  }

  /**
   * The number of bytes {@code base64} decodes to, checked to be valid PCM16 within the size limit, without
   * decoding it.
   *
   * @throws ProtocolException when it is not base64, or not even, or too large
   */
  static int decodedLength(String base64) {
    if (!Base64Text.onlySymbolsAndPadding(base64)) {
      throw new ProtocolException("invalid_audio", "'data' must be base64");
    }
    return lengthOf(base64, base64.indexOf('='));
  }

  /**
   * As {@link #decodedLength}, for text already known to hold only base64 symbols and {@code =}, the first
   * {@code =} at {@code firstPadding} (-1: none): where the padding stands is checked here.
   */
  private static int lengthOf(String base64, int firstPadding) {
    // The same inputs as java.util.Base64's basic decoder accepts: padding optional, but if present it ends
    // a whole 4-character group.
    int length = base64.length();
    int padding = 0;
    while (padding < length && base64.charAt(length - 1 - padding) == '=') {
      padding++;
    }
    if (padding > 2 || firstPadding >= 0 && firstPadding < length - padding) {
      throw new ProtocolException("invalid_audio", "'data' must be base64");
    }
    int symbols = length - padding;
    int remainder = symbols % 4;
    if (remainder == 1 || (padding > 0 && (length % 4 != 0 || padding != (4 - remainder) % 4))) {
      throw new ProtocolException("invalid_audio", "'data' must be base64");
    }
    int bytes = symbols / 4 * 3 + (remainder == 0 ? 0 : remainder - 1);
    if (bytes % 2 != 0) {
      throw new ProtocolException("invalid_audio", "PCM16 audio must have an even number of bytes");
    }
    if (bytes > ClientMessage.MAX_AUDIO_BYTES) {
      throw new ProtocolException("invalid_audio", "audio chunk larger than " + ClientMessage.MAX_AUDIO_BYTES + " bytes");
    }
    return bytes;
  }
}
