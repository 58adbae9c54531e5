package io.voxrelay.session;

import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.TerminateSessions;
import io.voxrelay.common.bus.TerminatedSessions;
import io.voxrelay.common.bus.UsageBatch;
import io.voxrelay.common.config.BudgetConfig;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static io.voxrelay.session.BusReplies.answer;

/**
 * The session service's side of hygiene and cost: the activity gateways and relays report, the watchdog's
 * queries for expired sessions and its terminations, and the usage relays report, checked against budgets.
 */
final class HygieneHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(HygieneHandlers.class);

  private final SessionStore store;
  private final Terminations terminations;
  private final BudgetChecks budgets;
  private final BudgetConfig budgetConfig;

  HygieneHandlers(SessionStore store, Terminations terminations, BudgetChecks budgets, BudgetConfig budgetConfig) {
    this.store = store;
    this.terminations = terminations;
    this.budgets = budgets;
    this.budgetConfig = budgetConfig;
  }

  /** Registers this instance's consumers on the shared session-service addresses. */
  List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
        bus.<ActivityBatch>consumer(Addresses.SESSION_ACTIVITY, this::activity),
        bus.<FindExpired>consumer(Addresses.SESSION_FIND_EXPIRED, m -> answer(m, "find-expired",
            store.activity().findExpired(m.body()))),
        bus.<TerminateSessions>consumer(Addresses.SESSION_TERMINATE, m -> answer(m, "terminate",
            terminations.terminate(m.body().terminations()).map(TerminatedSessions::new))),
        bus.<UsageBatch>consumer(Addresses.SESSION_USAGE, m -> answer(m, "usage",
            store.usage().recordUsage(m.body().reports(), budgetConfig.prices())
                .onSuccess(budgets::check).mapEmpty())));
  }

  /** Activity has no reply: a batch lost is followed by the next one within a second. */
  private void activity(Message<ActivityBatch> message) {
    store.activity().recordActivity(message.body().activities())
        .onFailure(e -> LOG.warn("[SessionService] activity of {} sessions not recorded: {}",
            message.body().activities().size(), e.toString()));
  }
}
