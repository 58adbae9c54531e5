package io.voxrelay.watchdog;

import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.protocol.TerminationReason;

import java.util.Optional;

/**
 * Seed 004's rules, in its order of severity: a session past its maximum age, then one whose client sent no
 * heartbeat for too long, then one with no audio or interaction for too long. A paused session is never idle,
 * but stays bound by heartbeat and age.
 */
final class WatchdogRules {

  private WatchdogRules() {
  }

  static Optional<TerminationReason> evaluate(SessionTimes s, long now, HygieneConfig limits) {
    long age = now - s.startedAt();
    long sinceHeartbeat = now - s.lastHeartbeatAt();
    long sinceActivity = now - Math.max(s.lastAudioActivityAt(), s.lastInteractionAt());
    if (age > limits.sessionMaxAgeMs()) {
      return Optional.of(TerminationReason.MAX_AGE_EXCEEDED);
    }
    if (sinceHeartbeat > limits.heartbeatTimeoutMs()) {
      return Optional.of(TerminationReason.HEARTBEAT_TIMEOUT);
    }
    if (!s.paused() && sinceActivity > limits.sessionIdleTimeoutMs()) {
      return Optional.of(TerminationReason.IDLE_TIMEOUT);
    }
    return Optional.empty();
  }
}
