package io.voxrelay.session;

import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.config.BudgetConfig;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds sessions to their limits, each time their usage is stored: a session near its tightest limit is warned
 * once ({@code budget.warning} to the client, a {@code session.budget_warning} webhook), a session that reached
 * one is ended through the normal termination path with {@link TerminationReason#BUDGET_EXCEEDED}. Neither
 * depends on the watchdog: the relay sends the usage of a session with limits as soon as a response is billed.
 */
final class BudgetChecks {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetChecks.class);

  /** What a session's spend calls for now. */
  enum Decision { NONE, WARN, END }

  private final SessionStore store;
  private final Terminations terminations;
  private final ClientNotices notices;
  private final double warnFraction;
  private final Clock clock;

  BudgetChecks(SessionStore store, Terminations terminations, ClientNotices notices, BudgetConfig config,
               Clock clock) {
    this.store = store;
    this.terminations = terminations;
    this.notices = notices;
    this.warnFraction = config.warnFraction();
    this.clock = clock;
  }

  /** The rule: end a live session past a limit; warn a session at {@code warnFraction} of one, once. */
  static Decision decide(SessionRecord s, double warnFraction) {
    if (s.ended() || s.limits().isEmpty()) {
      return Decision.NONE;
    }
    double used = s.limits().usedFraction(s.spend());
    if (used >= 1.0) {
      return s.awaitingResume() ? Decision.NONE : Decision.END;
    }
    return used >= warnFraction && s.budgetWarnedAt() == 0 ? Decision.WARN : Decision.NONE;
  }

  /**
   * Checks each of {@code sessionIds}, whose usage was just stored: in one update, which also marks a warning
   * (and so queues its webhook); then the client is warned, or the session ended.
   */
  Future<Void> check(List<String> sessionIds) {
    List<Future<?>> checks = new ArrayList<>();
    for (String id : sessionIds) {
      checks.add(check(id).onFailure(e -> LOG.warn("[SessionService] checking the budget of {} failed: {}", id,
          e.toString())));
    }
    return Future.join(checks).mapEmpty();
  }

  private Future<?> check(String sessionId) {
    long now = clock.millis();
    Decision[] decision = new Decision[1];
    return store.sessions().update(sessionId, s -> {
      decision[0] = decide(s, warnFraction);
      return decision[0] == Decision.WARN ? s.toBuilder().budgetWarnedAt(now).build() : s;
    }).compose(s -> switch (decision[0]) {
      case END -> {
        LOG.info("[SessionService] {} reached its {} limit", sessionId, s.limits().tightestLimit(s.spend()));
        yield terminations.terminate(List.of(new Termination(sessionId, TerminationReason.BUDGET_EXCEEDED)));
      }
      case WARN -> {
        notices.send(sessionId, "budget-warning-" + s.version(), ServerEvents.budgetWarning(
            s.limits().tightestLimit(s.spend()), s.limits().usedFraction(s.spend())), null, s.gatewayNode());
        yield Future.succeededFuture();
      }
      case NONE -> Future.succeededFuture();
    });
  }
}
