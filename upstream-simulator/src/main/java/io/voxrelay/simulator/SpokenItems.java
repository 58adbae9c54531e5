package io.voxrelay.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AI's spoken items of one simulated conversation: how much audio each has, and the truncations a client
 * asked for ({@code conversation.item.truncate}), checked as GA checks them. Thread-safe (tests read it).
 */
public final class SpokenItems {

  /** Spoken items remembered, at most (the oldest are forgotten). */
  static final int MAX_ITEMS = 1_024;
  /** PCM16 bytes per millisecond at 24 kHz mono. */
  private static final int BYTES_PER_MS = 48;

  /** One truncation the simulator carried out. */
  public record Truncation(String itemId, int contentIndex, long audioEndMs) {
  }

  private final Map<String, Long> audioMs = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_ITEMS;
    }
  };
  private final List<Truncation> truncations = new ArrayList<>();

  /** Item {@code itemId} has {@code bytes} of audio in all. */
  synchronized void spoke(String itemId, int bytes) {
    audioMs.put(itemId, (long) bytes / BYTES_PER_MS);
  }

  /**
   * Truncates the item's audio at {@code audioEndMs}, as GA does; null when done, else why it was refused (an
   * unknown item, a content index other than 0, or a time past the item's audio).
   */
  synchronized String truncate(String itemId, int contentIndex, long audioEndMs) {
    Long length = audioMs.get(itemId);
    if (length == null) {
      return "Item with item_id '" + itemId + "' not found, or it has no audio.";
    }
    if (contentIndex != 0) {
      return "Invalid content_index: the item has one content part.";
    }
    if (audioEndMs < 0 || audioEndMs > length) {
      return "audio_end_ms (" + audioEndMs + ") must be between 0 and the item's audio duration (" + length
          + " ms).";
    }
    audioMs.put(itemId, audioEndMs);
    if (truncations.size() < MAX_ITEMS) {
      truncations.add(new Truncation(itemId, contentIndex, audioEndMs));
    }
    return null;
  }

  synchronized List<Truncation> truncations() {
    return List.copyOf(truncations);
  }
}
