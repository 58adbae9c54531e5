package io.voxrelay.common.protocol;

import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.config.HygieneConfig;

import java.util.Optional;

/**
 * Seed 004's rules, in its order of severity: a session past its maximum age, then one whose client sent no
 * heartbeat for too long, then one with no audio or interaction for too long. A paused session is never idle,
 * but stays bound by heartbeat and age. The watchdog applies them to the stored times; a relay applies them,
 * with a grace, to the times it saw itself, as a backstop that needs no other service.
 */
public final class SessionLimits {

  private SessionLimits() {
  }

  /** The first limit {@code s} is past at {@code now}, if any. */
  public static Optional<TerminationReason> evaluate(SessionTimes s, long now, HygieneConfig limits) {
    return evaluate(s, now, limits, 0);
  }

  /** As {@link #evaluate(SessionTimes, long, HygieneConfig)}, with each limit {@code graceMs} longer. */
  public static Optional<TerminationReason> evaluate(SessionTimes s, long now, HygieneConfig limits, long graceMs) {
    long age = now - s.startedAt();
    long sinceHeartbeat = now - s.lastHeartbeatAt();
    long sinceActivity = now - Math.max(s.lastAudioActivityAt(), s.lastInteractionAt());
    if (age > limits.sessionMaxAgeMs() + graceMs) {
      return Optional.of(TerminationReason.MAX_AGE_EXCEEDED);
    }
    if (sinceHeartbeat > limits.heartbeatTimeoutMs() + graceMs) {
      return Optional.of(TerminationReason.HEARTBEAT_TIMEOUT);
    }
    if (!s.paused() && sinceActivity > limits.sessionIdleTimeoutMs() + graceMs) {
      return Optional.of(TerminationReason.IDLE_TIMEOUT);
    }
    return Optional.empty();
  }
}
