package io.voxrelay.common.bus;

import java.util.List;

/**
 * The activity one node saw in the last second, for all its sessions at once: hygiene never costs a cluster
 * message per audio frame or per session. Sent to {@link Addresses#SESSION_ACTIVITY} and, for heartbeats, by
 * a gateway to the relay nodes holding its sessions (their cost guard).
 */
public record ActivityBatch(List<Activity> activities) implements RelayCommand {
  public ActivityBatch {
    activities = List.copyOf(activities);
  }

  @Override
  public String sessionId() {
    return null;
  }
}
