package io.voxrelay.common.protocol;

import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The session limits (seed 004), with the seed's constants")
class SessionLimitsTest {

  private static final HygieneConfig LIMITS = HygieneConfig.defaults();
  private final MutableClock clock = new MutableClock(10_000_000);

  /** A session whose every timestamp is {@code agoMs} in the past unless overridden. */
  private SessionTimes session(long startedAgo, long heartbeatAgo, long audioAgo, long interactionAgo, boolean paused) {
    long now = clock.millis();
    return new SessionTimes("s", now - startedAgo, now - heartbeatAgo, now - audioAgo, now - interactionAgo, paused);
  }

  private Optional<TerminationReason> verdict(SessionTimes s) {
    return SessionLimits.evaluate(s, clock.millis(), LIMITS);
  }

  @Test
  @DisplayName("a fresh session is left alone")
  void fresh() {
    assertThat(verdict(session(0, 0, 0, 0, false))).isEmpty();
  }

  @Test
  @DisplayName("an old createdAt means max_age_exceeded")
  void oldSession() {
    assertThat(verdict(session(61 * 60_000, 0, 0, 0, false))).contains(TerminationReason.MAX_AGE_EXCEEDED);
    assertThat(verdict(session(60 * 60_000, 0, 0, 0, false))).as("exactly at the limit").isEmpty();
  }

  @Test
  @DisplayName("an old heartbeat means heartbeat_timeout")
  void oldHeartbeat() {
    assertThat(verdict(session(0, 91_000, 0, 0, false))).contains(TerminationReason.HEARTBEAT_TIMEOUT);
    assertThat(verdict(session(0, 89_000, 0, 0, false))).isEmpty();
  }

  @Test
  @DisplayName("old audio and interaction mean idle_timeout")
  void oldActivity() {
    assertThat(verdict(session(0, 0, 301_000, 301_000, false))).contains(TerminationReason.IDLE_TIMEOUT);
    assertThat(verdict(session(0, 0, 301_000, 10_000, false))).as("a recent interaction counts").isEmpty();
    assertThat(verdict(session(0, 0, 10_000, 301_000, false))).as("recent audio counts").isEmpty();
  }

  @Test
  @DisplayName("checks in the seed's order: age, then heartbeat, then idleness")
  void order() {
    assertThat(verdict(session(61 * 60_000, 91_000, 301_000, 301_000, false)))
        .contains(TerminationReason.MAX_AGE_EXCEEDED);
    assertThat(verdict(session(0, 91_000, 301_000, 301_000, false))).contains(TerminationReason.HEARTBEAT_TIMEOUT);
  }

  @Test
  @DisplayName("edge cases: heartbeat without audio for 6 min is idle; audio without heartbeat times out")
  void edgeCasesOfTheSeed() {
    assertThat(verdict(session(0, 0, 6 * 60_000, 6 * 60_000, false))).contains(TerminationReason.IDLE_TIMEOUT);
    assertThat(verdict(session(0, 120_000, 0, 0, false))).contains(TerminationReason.HEARTBEAT_TIMEOUT);
  }

  @Test
  @DisplayName("edge case: a session paused for 10 minutes is not idle, but still needs heartbeats and a bounded age")
  void pausedSessions() {
    assertThat(verdict(session(0, 0, 10 * 60_000, 10 * 60_000, true))).isEmpty();
    assertThat(verdict(session(0, 91_000, 10 * 60_000, 10 * 60_000, true)))
        .contains(TerminationReason.HEARTBEAT_TIMEOUT);
    assertThat(verdict(session(61 * 60_000, 0, 10 * 60_000, 10 * 60_000, true)))
        .contains(TerminationReason.MAX_AGE_EXCEEDED);
  }

  @Test
  @DisplayName("a relay's backstop: each limit a grace later, in the same order")
  void withGrace() {
    long grace = 30_000;
    SessionTimes idle = session(0, 0, 0, 0, false);
    clock.advance(Duration.ofMillis(LIMITS.sessionIdleTimeoutMs() + grace));
    SessionTimes heartbeating = new SessionTimes("s", idle.startedAt(), clock.millis(), idle.lastAudioActivityAt(),
        idle.lastInteractionAt(), false);
    assertThat(SessionLimits.evaluate(heartbeating, clock.millis(), LIMITS, grace)).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(SessionLimits.evaluate(heartbeating, clock.millis(), LIMITS, grace))
        .contains(TerminationReason.IDLE_TIMEOUT);
    assertThat(SessionLimits.evaluate(heartbeating, clock.millis(), LIMITS))
        .as("without the grace it was idle already").contains(TerminationReason.IDLE_TIMEOUT);
    SessionTimes old = new SessionTimes("s", clock.millis() - LIMITS.sessionMaxAgeMs() - grace - 1, clock.millis(),
        clock.millis(), clock.millis(), true);
    assertThat(SessionLimits.evaluate(old, clock.millis(), LIMITS, grace)).contains(TerminationReason.MAX_AGE_EXCEEDED);
  }

  @Test
  @DisplayName("time moving on turns a fresh session idle after the idle timeout and no sooner")
  void clockMovesOn() {
    SessionTimes s = session(0, 0, 0, 0, false);
    clock.advance(Duration.ofMillis(LIMITS.sessionIdleTimeoutMs()));
    assertThat(SessionLimits.evaluate(new SessionTimes("s", s.startedAt(), clock.millis(), s.lastAudioActivityAt(),
        s.lastInteractionAt(), false), clock.millis(), LIMITS)).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(SessionLimits.evaluate(new SessionTimes("s", s.startedAt(), clock.millis(), s.lastAudioActivityAt(),
        s.lastInteractionAt(), false), clock.millis(), LIMITS)).contains(TerminationReason.IDLE_TIMEOUT);
  }

  @Test
  @DisplayName("termination messages are the seed's")
  void messages() {
    assertThat(TerminationReason.HEARTBEAT_TIMEOUT.message())
        .isEqualTo("Connection lost. Your progress has been saved and you can resume the interview.");
    assertThat(TerminationReason.IDLE_TIMEOUT.message())
        .isEqualTo("Session ended due to inactivity. Your progress has been saved and you can resume the interview.");
    assertThat(TerminationReason.MAX_AGE_EXCEEDED.message())
        .isEqualTo("Maximum session duration reached. Your progress has been saved and you can resume the interview.");
    assertThat(TerminationReason.IDLE_TIMEOUT.code()).isEqualTo("idle_timeout");
  }
}
