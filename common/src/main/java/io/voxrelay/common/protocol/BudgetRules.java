package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Budget;

import java.util.Iterator;
import java.util.Set;

/** How a session's {@code limits} are read and bounded (creation and {@code PATCH}): the one place. */
public final class BudgetRules {

  /** The largest value a limit may have. */
  public static final long MAX_LIMIT = 1_000_000_000_000L;
  private static final Set<String> FIELDS = Set.of("maxTotalTokens", "maxOutputTokens", "maxUpstreamSeconds",
      "maxCostUsd");

  private BudgetRules() {
  }

  /**
   * Reads a {@code limits} object (missing or null: no limits); each field a whole number from 1, or null for
   * no limit.
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
            + "maxOutputTokens, maxUpstreamSeconds)");
      }
    }
    if (limits.has("maxCostUsd") && !limits.get("maxCostUsd").isNull()) {
      throw new IllegalArgumentException("'limits.maxCostUsd' needs a price table (VOXRELAY_PRICES), and this "
          + "deployment has none");
    }
    return new Budget(limit(limits, "maxTotalTokens"), limit(limits, "maxOutputTokens"),
        limit(limits, "maxUpstreamSeconds"));
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
