package io.voxrelay.relay;

import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.protocol.SessionLimits;
import io.voxrelay.common.protocol.TerminationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The relay's cost guard: closes every upstream past a session limit (seed 004's, as {@link SessionLimits}
 * states them) by a grace, measured on this relay's own clocks from what it saw: heartbeats its gateways
 * reported, audio it forwarded, controls it carried out, and the run's start. It needs nothing but this
 * relay, so no crashed session service or watchdog keeps a billable upstream open past its bound
 * ({@link HygieneConfig#relayGuardBoundMs()}).
 */
final class RelayGuard {

  private static final Logger LOG = LoggerFactory.getLogger(RelayGuard.class);

  private final HygieneConfig limits;

  RelayGuard(HygieneConfig limits) {
    this.limits = limits;
  }

  /** Closes the upstream of each session past a limit plus the grace; the client hears why. */
  void sweep(Collection<RelaySession> sessions, long now) {
    for (RelaySession session : List.copyOf(sessions)) {
      Optional<TerminationReason> past = SessionLimits.evaluate(session.input().times(), now, limits,
          limits.relayGuardGraceMs());
      past.ifPresent(reason -> {
        LOG.warn("[Relay] cost guard: closing upstream of {}: {} (the watchdog did not end it in time)",
            session.sessionId(), reason.code());
        session.end(SessionLife.Exit.guard(reason));
      });
    }
  }
}
