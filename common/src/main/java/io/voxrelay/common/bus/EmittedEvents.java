package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

import java.util.List;

/**
 * The events of an {@link EmitEvents}, each stamped with its {@code seq}. For a batch that carried a
 * {@link ClientControl}, {@code control} is the session after it (null otherwise).
 */
public record EmittedEvents(List<NumberedEvent> events, SessionControlReply control) {
  public EmittedEvents {
    events = List.copyOf(events);
  }

  /** The events of a batch without a control. */
  public EmittedEvents(List<NumberedEvent> events) {
    this(events, null);
  }
}
