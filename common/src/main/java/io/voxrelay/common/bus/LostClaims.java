package io.voxrelay.common.bus;

import java.util.List;

/** The answer to {@link CheckClaims}: the sessions claimed since by another relay (or gone from the store). */
public record LostClaims(List<String> sessionIds) {
  public LostClaims {
    sessionIds = List.copyOf(sessionIds);
  }
}
