package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

import java.util.List;

/** The events of an {@link EmitEvents}, each stamped with its {@code seq}. */
public record EmittedEvents(List<NumberedEvent> events) {
  public EmittedEvents {
    events = List.copyOf(events);
  }
}
