package io.voxrelay.session;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.Spend;
import io.voxrelay.common.bus.Usage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Budgets in the session service: warned once, ended at the limit, resumed only once it is raised")
class BudgetChecksTest {

  private static final SessionRecord LIVE = SessionRecord.create("s_" + "ab".repeat(16), "x", List.of("q1"),
      "cd".repeat(32), 10_000, 1_000).toBuilder().connectionId("c1").connections(1)
      .limits(new Budget(1_000L, null, null, null)).build();

  private static SessionRecord spent(SessionRecord s, long tokens) {
    return s.withSpend(new Spend(new Usage(tokens, 0, 0, tokens, 0, 0, 0), 0, null));
  }

  @Test
  @DisplayName("under the warning share: nothing; past it: warned once; at the limit: ended, unless it is already")
  void decide() {
    assertThat(BudgetChecks.decide(spent(LIVE, 799), 0.8)).isEqualTo(BudgetChecks.Decision.NONE);
    assertThat(BudgetChecks.decide(spent(LIVE, 800), 0.8)).isEqualTo(BudgetChecks.Decision.WARN);
    SessionRecord warned = spent(LIVE, 900).toBuilder().budgetWarnedAt(5_000).build();
    assertThat(BudgetChecks.decide(warned, 0.8)).as("warned already").isEqualTo(BudgetChecks.Decision.NONE);
    assertThat(BudgetChecks.decide(spent(LIVE, 1_000), 0.8)).isEqualTo(BudgetChecks.Decision.END);
    assertThat(BudgetChecks.decide(spent(LIVE, 5_000).toBuilder().awaitingResume(true).build(), 0.8))
        .as("terminated already").isEqualTo(BudgetChecks.Decision.NONE);
    assertThat(BudgetChecks.decide(spent(LIVE, 5_000).toBuilder().ended(true).build(), 0.8))
        .isEqualTo(BudgetChecks.Decision.NONE);
    assertThat(BudgetChecks.decide(spent(LIVE.toBuilder().limits(Budget.NONE).build(), 5_000), 0.8))
        .isEqualTo(BudgetChecks.Decision.NONE);
  }

  @Test
  @DisplayName("resume_interview is refused (budget_exceeded) past a limit, and accepted once the limit is raised")
  void resume() {
    SessionRecord ended = spent(LIVE, 1_200).toBuilder().awaitingResume(true).terminationReason("budget_exceeded")
        .build();
    assertThatThrownBy(() -> ControlRules.apply(ended, Control.RESUME, 9_000))
        .isInstanceOfSatisfying(ControlRules.Refused.class, r -> assertThat(r.code).isEqualTo(BusFailure.BUDGET_EXCEEDED))
        .hasMessageContaining("maxTotalTokens");
    SessionRecord raised = ended.toBuilder().limits(new Budget(2_000L, null, null, null)).build();
    SessionRecord resumed = ControlRules.apply(raised, Control.RESUME, 9_000);
    assertThat(resumed.awaitingResume()).isFalse();
    assertThat(resumed.terminationReason()).isNull();
  }

  @Test
  @DisplayName("the warning is a lifecycle webhook of its own, with the limit and the share used")
  void webhook() {
    SessionRecord before = spent(LIVE, 850);
    SessionRecord warned = before.toBuilder().budgetWarnedAt(5_000).build();
    List<LifecycleEvents.Event> events = LifecycleEvents.between(before, warned);
    assertThat(events).extracting(LifecycleEvents.Event::type).containsExactly("session.budget_warning");
    assertThat(events.get(0).data().path("limit").asText()).isEqualTo("maxTotalTokens");
    assertThat(events.get(0).data().path("usedFraction").asDouble()).isEqualTo(0.85);
    SessionRecord ended = warned.toBuilder().awaitingResume(true).terminationReason("budget_exceeded").build();
    assertThat(LifecycleEvents.between(warned, ended).get(0).data().path("message").asText()).contains("limit");
  }
}
