package io.voxrelay.common.bus;

import java.util.List;

/**
 * Stored events after a given seq, in order.
 *
 * @param truncated some events after that seq are no longer kept (past the replay bound): the client must
 *                  redraw from the history instead of relying on the events
 * @param lastSeq   the session's latest seq
 */
public record Replay(List<String> events, boolean truncated, long lastSeq) {
  public Replay {
    events = List.copyOf(events);
  }
}
