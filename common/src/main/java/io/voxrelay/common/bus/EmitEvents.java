package io.voxrelay.common.bus;

import java.util.List;

/**
 * Server events a client must not miss, in order: the session service numbers and stores them (for replay
 * until acknowledged) and answers {@link EmittedEvents}; the sender then delivers them. A sender keeps at
 * most one batch per session in flight, so numbering follows the order it emitted in.
 *
 * @param closeCode when not 0, the client is to be closed with it after the last event
 */
public record EmitEvents(String sessionId, List<String> events, int closeCode) {
  public EmitEvents {
    events = List.copyOf(events);
  }
}
