package io.voxrelay.relay;

/**
 * What one session's upstreams cost at this relay: each billed response counted ({@link UsageMeter}, until the
 * session service has it) and in the metrics, and, for a session with limits, reported soon and checked against
 * the relay's own count ({@link BudgetWatch}), the backstop to the session service's enforcement.
 */
final class SessionBilling {

  private final UsageMeter usage;
  private final BudgetWatch budget;
  private final RelayMetrics metrics;
  private Runnable onUsage = () -> { };
  private Runnable onBudgetReached = () -> { };

  SessionBilling(UsageMeter usage, BudgetWatch budget, RelayMetrics metrics) {
    this.usage = usage;
    this.budget = budget;
    this.metrics = metrics;
  }

  /**
   * {@code usage}: a response of a session with limits was billed (its usage should reach the session
   * service, which enforces the limits, soon); {@code reached}: by this relay's own count the session reached
   * a limit (once).
   */
  void onBudget(Runnable usage, Runnable reached) {
    this.onUsage = usage;
    this.onBudgetReached = reached;
  }

  /** The session's upstream time counts from {@code link}'s opening to its close. */
  void linkOpened(UpstreamLink link) {
    usage.linkOpened(link);
  }

  /** A response was billed, on whichever of the session's links (an old one finishing during a rollover too). */
  void billed(UpstreamEvent.ResponseDone done) {
    usage.responseDone(done.responseId(), done.usage());
    metrics.billed(done.usage());
    if (!budget.limited()) {
      return;
    }
    onUsage.run();
    if (budget.billed(usage.counted())) {
      onBudgetReached.run();
    }
  }

  /** What the session's upstreams cost here, until the session service has it. */
  UsageMeter meter() {
    return usage;
  }
}
