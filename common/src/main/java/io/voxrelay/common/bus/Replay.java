package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

import java.util.List;

/**
 * Stored events after a given seq, in order.
 *
 * @param truncated some events after that seq are no longer kept (past the replay bound): the client must
 *                  redraw from the history instead of relying on the events
 * @param lastSeq   the session's latest seq
 * @param history   when asked for (on connect), the most recent turns, read after {@code lastSeq}: every turn
 *                  whose {@code transcript.done} has a seq at or below {@code lastSeq} is in it; else empty
 */
public record Replay(List<NumberedEvent> events, boolean truncated, long lastSeq, List<Turn> history) {
  public Replay {
    events = List.copyOf(events);
    history = history == null ? List.of() : List.copyOf(history);
  }
}
