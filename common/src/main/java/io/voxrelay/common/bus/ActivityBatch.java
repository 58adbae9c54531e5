package io.voxrelay.common.bus;

import java.util.List;

/**
 * The activity one node saw in the last second, for all its sessions at once: hygiene never costs a cluster
 * message per audio frame or per session. Sent to {@link Addresses#SESSION_ACTIVITY}; a relay hears of its
 * sessions' heartbeats through {@link ClientHeartbeats}.
 */
public record ActivityBatch(List<Activity> activities) {
  public ActivityBatch {
    activities = List.copyOf(activities);
  }
}
