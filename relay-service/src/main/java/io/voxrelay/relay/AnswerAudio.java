package io.voxrelay.relay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much audio of each recent AI answer went to the client, by item: the running offset each {@code audio}
 * event carries, and the bounds a client's {@code playback.truncated} is checked against. Also the rule that
 * cuts an answer's text to the part that was heard. Bounded; confined to the relay's event loop.
 */
final class AnswerAudio {

  /** Answers remembered, at most: the client can only cut short one it is still playing. */
  static final int MAX_ANSWERS = 32;
  /** PCM16 bytes per millisecond at 24 kHz mono. */
  static final int BYTES_PER_MS = 48;

  private final Map<String, Long> bytesByItem = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_ANSWERS;
    }
  };

  /**
   * A chunk of {@code itemId}'s audio of {@code bytes} bytes goes to the client.
   *
   * @return where it starts in the answer's audio, in ms
   */
  long sent(String itemId, long bytes) {
    long before = bytesByItem.getOrDefault(itemId, 0L);
    bytesByItem.put(itemId, before + bytes);
    return before / BYTES_PER_MS;
  }

  /** The audio of {@code itemId} sent so far, in ms; -1 for an answer not known here. */
  long sentMs(String itemId) {
    Long bytes = bytesByItem.get(itemId);
    return bytes == null ? -1 : bytes / BYTES_PER_MS;
  }

  /**
   * The part of an answer's {@code text} that was heard when its audio of {@code totalMs} was played for
   * {@code playedMs}: the same share of its characters, back to the end of the last whole word. The upstream
   * gives no word timings for audio it truncates, so this is an approximation (speech is close to even).
   */
  static String heard(String text, long playedMs, long totalMs) {
    if (totalMs <= 0 || playedMs >= totalMs) {
      return text;
    }
    int cut = (int) Math.round(text.length() * (double) Math.max(0, playedMs) / totalMs);
    if (cut >= text.length()) {
      return text;
    }
    int end = cut;
    while (end > 0 && !Character.isWhitespace(text.charAt(end))) {
      end--;
    }
    return text.substring(0, end).stripTrailing();
  }
}
