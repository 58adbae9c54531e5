package io.voxrelay.relay;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.Spend;
import io.voxrelay.common.bus.Usage;

/**
 * The relay's own count of one session's budget: what the session had cost when this relay took it, plus the
 * tokens billed here, against the limits it had then (the cost and the time are the session service's to
 * count). The session service enforces the limits; this is the relay's backstop.
 */
final class BudgetWatch {

  private final Budget budget;
  private final Spend before;
  private boolean reached;

  BudgetWatch(Budget budget, Spend before) {
    this.budget = budget;
    this.before = before;
  }

  /** Whether the session has limits at all (its usage then goes to the session service at once). */
  boolean limited() {
    return !budget.isEmpty();
  }

  /** Tokens were billed here ({@code countedHere} in all): true once, when that reaches a limit. */
  boolean billed(Usage countedHere) {
    if (reached || budget.isEmpty()) {
      return false;
    }
    reached = budget.exceededBy(new Spend(before.usage().plus(countedHere), before.upstreamMs(), null));
    return reached;
  }
}
