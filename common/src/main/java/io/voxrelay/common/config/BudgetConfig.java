package io.voxrelay.common.config;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.protocol.BudgetRules;

import java.util.Optional;

/**
 * What a session may cost by default, when it is warned, and what the upstream charges.
 *
 * @param defaults     the limits of a session created without them, each on its own
 *                     ({@code VOXRELAY_LIMIT_MAX_TOTAL_TOKENS}, {@code VOXRELAY_LIMIT_MAX_OUTPUT_TOKENS},
 *                     {@code VOXRELAY_LIMIT_MAX_UPSTREAM_SECONDS}, {@code VOXRELAY_LIMIT_MAX_COST_USD}; unset: none)
 * @param warnFraction the share of a limit at which the client and the backend are warned, once
 *                     ({@code VOXRELAY_BUDGET_WARN_FRACTION}, 0.8)
 * @param prices       the price table ({@code VOXRELAY_PRICES}; unset: no cost estimated, cost limits refused)
 */
public record BudgetConfig(Budget defaults, double warnFraction, PriceTable prices) {

  public static final double WARN_FRACTION = 0.8;

  public BudgetConfig {
    if (!(warnFraction > 0 && warnFraction < 1)) {
      throw new IllegalArgumentException("VOXRELAY_BUDGET_WARN_FRACTION must be above 0 and below 1");
    }
    if (defaults.maxCostUsd() != null && !prices.isSet()) {
      throw new IllegalArgumentException("VOXRELAY_LIMIT_MAX_COST_USD needs a price table (VOXRELAY_PRICES)");
    }
  }

  public static BudgetConfig fromEnv(Env env) {
    Budget defaults = new Budget(whole(env, "VOXRELAY_LIMIT_MAX_TOTAL_TOKENS"),
        whole(env, "VOXRELAY_LIMIT_MAX_OUTPUT_TOKENS"), whole(env, "VOXRELAY_LIMIT_MAX_UPSTREAM_SECONDS"),
        number(env, "VOXRELAY_LIMIT_MAX_COST_USD").orElse(null));
    return new BudgetConfig(defaults, number(env, "VOXRELAY_BUDGET_WARN_FRACTION").orElse(WARN_FRACTION),
        PriceTable.fromEnv(env));
  }

  /**
   * The limits a session gets from {@code requested}: each unset one from the defaults.
   *
   * @throws IllegalArgumentException for a cost limit without a price table
   */
  public Budget admit(Budget requested) {
    Budget limits = requested.or(defaults);
    if (limits.maxCostUsd() != null && !prices.isSet()) {
      throw new IllegalArgumentException("'limits.maxCostUsd' needs a price table (VOXRELAY_PRICES), and this "
          + "deployment has none");
    }
    return limits;
  }

  /** No default limits, no prices. */
  public static BudgetConfig none() {
    return new BudgetConfig(Budget.NONE, WARN_FRACTION, PriceTable.NONE);
  }

  private static Long whole(Env env, String name) {
    Optional<String> v = env.optional(name);
    if (v.isEmpty()) {
      return null;
    }
    try {
      long value = Long.parseLong(v.get());
      if (value >= 1 && value <= BudgetRules.MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number from 1 to " + BudgetRules.MAX_LIMIT);
  }

  private static Optional<Double> number(Env env, String name) {
    Optional<String> v = env.optional(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      double value = Double.parseDouble(v.get());
      if (value > 0 && Double.isFinite(value)) {
        return Optional.of(value);
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive number");
  }
}
