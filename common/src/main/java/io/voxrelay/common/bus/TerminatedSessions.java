package io.voxrelay.common.bus;

import java.util.List;

/** The sessions an order actually terminated; those already ended or terminated are left out. */
public record TerminatedSessions(List<TerminatedSession> terminated) {
  public TerminatedSessions {
    terminated = List.copyOf(terminated);
  }
}
