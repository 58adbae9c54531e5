package io.voxrelay.common.bus;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Budget: how much of its tightest limit a session's spend uses")
class BudgetTest {

  private static Spend spend(long input, long output, long upstreamMs, Double costUsd) {
    return new Spend(new Usage(input, output, 0, input, 0, output, 0), upstreamMs, costUsd);
  }

  @Test
  @DisplayName("no limit: nothing is ever used up")
  void none() {
    assertThat(Budget.NONE.usedFraction(spend(1_000_000, 1_000_000, 1_000_000, 1_000.0))).isZero();
    assertThat(Budget.NONE.exceededBy(spend(1_000_000, 0, 0, null))).isFalse();
    assertThat(Budget.NONE.tightestLimit(spend(1, 1, 1, 1.0))).isNull();
  }

  @Test
  @DisplayName("each limit on its own, the tightest one counts; reached at exactly the limit")
  void tightest() {
    Budget budget = new Budget(1_000L, 100L, 60L, 2.0);
    Spend spend = spend(700, 50, 30_000, 0.5);
    assertThat(budget.usedFraction(spend)).isCloseTo(0.75, within(1e-9));
    assertThat(budget.tightestLimit(spend)).isEqualTo("maxTotalTokens");
    assertThat(budget.tightestLimit(spend(0, 90, 0, null))).isEqualTo("maxOutputTokens");
    assertThat(budget.tightestLimit(spend(0, 0, 59_000, null))).isEqualTo("maxUpstreamSeconds");
    assertThat(budget.tightestLimit(spend(0, 0, 0, 1.9))).isEqualTo("maxCostUsd");
    assertThat(budget.exceededBy(spend(900, 100, 0, null))).as("total 1000 of 1000").isTrue();
    assertThat(budget.exceededBy(spend(899, 100, 0, null))).as("output 100 of 100").isTrue();
    assertThat(budget.exceededBy(spend(800, 99, 59_999, 1.99))).isFalse();
  }

  @Test
  @DisplayName("a cost limit counts only once a cost is known")
  void costUnknown() {
    Budget budget = new Budget(null, null, null, 1.0);
    assertThat(budget.usedFraction(spend(10_000_000, 10_000_000, 0, null))).isZero();
    assertThat(budget.exceededBy(spend(0, 0, 0, 1.0))).isTrue();
  }

  @Test
  @DisplayName("unset limits are taken from the defaults, set ones are kept")
  void defaults() {
    Budget defaults = new Budget(5_000L, 500L, 600L, null);
    assertThat(new Budget(null, 50L, null, null).or(defaults)).isEqualTo(new Budget(5_000L, 50L, 600L, null));
    assertThat(Budget.NONE.or(Budget.NONE).isEmpty()).isTrue();
  }
}
