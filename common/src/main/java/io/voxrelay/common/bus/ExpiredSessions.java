package io.voxrelay.common.bus;

import java.util.List;

/** The live sessions past a limit, and how many live sessions there are in all. */
public record ExpiredSessions(List<SessionTimes> candidates, int liveSessions) {
  public ExpiredSessions {
    candidates = List.copyOf(candidates);
  }
}
