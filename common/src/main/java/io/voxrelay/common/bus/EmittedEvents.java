package io.voxrelay.common.bus;

import java.util.List;

/** The events of an {@link EmitEvents}, each stamped with its {@code seq}. */
public record EmittedEvents(List<String> events) {
  public EmittedEvents {
    events = List.copyOf(events);
  }
}
