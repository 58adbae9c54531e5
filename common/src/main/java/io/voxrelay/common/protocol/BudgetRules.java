package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Budget;

import java.util.Iterator;
import java.util.Set;

/** How a session's {@code limits} are read and bounded (creation and {@code PATCH}): the one place. */
public final class BudgetRules {

  /** The largest value a limit may have. */
  public static final long MAX_LIMIT = 1_000_000_000_000L;
  /** The largest cost limit, in US dollars. */
  public static final double MAX_COST_USD = 1_000_000;
  private static final Set<String> FIELDS = Set.of("maxTotalTokens", "maxOutputTokens", "maxUpstreamSeconds",
      "maxCostUsd");

  private BudgetRules() {
  }

  /**
   * Reads a {@code limits} object (missing or null: no limits); each field a whole number from 1 ({@code
   * maxCostUsd}: a positive number of dollars), or null for no limit. Whether a cost limit can be enforced
   * (a price table is set) is the session service's to say.
   *
   * @throws IllegalArgumentException naming the field
   */
  public static Budget parse(JsonNode limits) {
    if (limits == null || limits.isNull() || limits.isMissingNode()) {
      return Budget.NONE;
    }
    if (!limits.isObject()) {
      throw new IllegalArgumentException("'limits' must be an object");
    }
    for (Iterator<String> names = limits.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        throw new IllegalArgumentException("'limits' has an unknown field (allowed: maxTotalTokens, "
            + "maxOutputTokens, maxUpstreamSeconds, maxCostUsd)");
      }
    }
    return new Budget(limit(limits, "maxTotalTokens"), limit(limits, "maxOutputTokens"),
        limit(limits, "maxUpstreamSeconds"), cost(limits.get("maxCostUsd")));
  }

  private static Double cost(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || !(value.asDouble() > 0) || value.asDouble() > MAX_COST_USD) {
      throw new IllegalArgumentException("'limits.maxCostUsd' must be a number of dollars above 0, at most "
          + (long) MAX_COST_USD + ", or null for none");
    }
    return value.asDouble();
  }

  private static Long limit(JsonNode limits, String field) {
    JsonNode value = limits.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > MAX_LIMIT) {
      throw new IllegalArgumentException("'limits." + field + "' must be a whole number from 1 to " + MAX_LIMIT
          + ", or null for none");
    }
    return value.asLong();
  }
}
