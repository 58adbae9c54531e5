package io.voxrelay.common.bus;

import java.util.List;

/**
 * A page of a session's history, oldest first: the turn at index {@code i} is at position
 * {@code afterPosition + 1 + i}.
 *
 * @param more whether turns follow this page
 */
public record TranscriptPage(long afterPosition, List<Turn> turns, boolean more) {
  public TranscriptPage {
    turns = List.copyOf(turns);
  }
}
