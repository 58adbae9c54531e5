package io.voxrelay.common.bus;

import java.util.List;

/** The watchdog's orders of one sweep; the reply is {@link TerminatedSessions}. */
public record TerminateSessions(List<Termination> terminations) {
  public TerminateSessions {
    terminations = List.copyOf(terminations);
  }
}
