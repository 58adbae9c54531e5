package io.voxrelay.watchdog;

import io.voxrelay.common.protocol.TerminationReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one watchdog instance saw: live sessions at its last sweep, and the terminations it carried out. */
public final class HygieneMetrics {

  private final AtomicInteger liveSessions = new AtomicInteger();
  private final Map<TerminationReason, AtomicLong> terminations = new EnumMap<>(TerminationReason.class);
  private final AtomicLong sweeps = new AtomicLong();

  HygieneMetrics() {
    for (TerminationReason reason : TerminationReason.values()) {
      terminations.put(reason, new AtomicLong());
    }
  }

  /** Live sessions (connected, not ended, not awaiting resume) at the last sweep. */
  public int liveSessions() {
    return liveSessions.get();
  }

  public long terminations(TerminationReason reason) {
    return terminations.get(reason).get();
  }

  public long terminations() {
    return terminations.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long sweeps() {
    return sweeps.get();
  }

  void swept(int live) {
    liveSessions.set(live);
    sweeps.incrementAndGet();
  }

  void terminated(TerminationReason reason) {
    terminations.get(reason).incrementAndGet();
  }
}
