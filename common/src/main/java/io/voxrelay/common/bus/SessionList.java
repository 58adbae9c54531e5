package io.voxrelay.common.bus;

import java.util.List;

/**
 * A page of sessions, newest first.
 *
 * @param next the cursor of the next page (opaque to callers), or null when this page is the last
 */
public record SessionList(List<SessionStatus> sessions, String next) {
  public SessionList {
    sessions = List.copyOf(sessions);
  }
}
