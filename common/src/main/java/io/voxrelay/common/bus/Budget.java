package io.voxrelay.common.bus;

/**
 * A session's limits on what it may cost (each null: no limit): total tokens, output tokens, upstream seconds
 * and estimated cost, summed over every upstream it has ({@link Spend}). Set at creation (each unset one from
 * the deployment's defaults) and changed by the app's backend ({@code PATCH /v1/sessions/{id}}).
 */
public record Budget(Long maxTotalTokens, Long maxOutputTokens, Long maxUpstreamSeconds, Double maxCostUsd) {

  public static final Budget NONE = new Budget(null, null, null, null);

  public boolean isEmpty() {
    return maxTotalTokens == null && maxOutputTokens == null && maxUpstreamSeconds == null && maxCostUsd == null;
  }

  /** These limits, each unset one taken from {@code defaults}. */
  public Budget or(Budget defaults) {
    return new Budget(maxTotalTokens != null ? maxTotalTokens : defaults.maxTotalTokens,
        maxOutputTokens != null ? maxOutputTokens : defaults.maxOutputTokens,
        maxUpstreamSeconds != null ? maxUpstreamSeconds : defaults.maxUpstreamSeconds,
        maxCostUsd != null ? maxCostUsd : defaults.maxCostUsd);
  }

  /**
   * How much of its tightest limit {@code spend} uses: 0 with no limit, 1 or more once a limit is reached. A
   * cost limit counts only when the spend has a cost (a price table is set).
   */
  public double usedFraction(Spend spend) {
    double used = 0;
    for (double share : shares(spend)) {
      used = Math.max(used, share);
    }
    return used;
  }

  /** The name of the limit {@code spend} uses most of (as in {@code limits}), or null with no limit. */
  public String tightestLimit(Spend spend) {
    double[] shares = shares(spend);
    int tightest = -1;
    for (int i = 0; i < shares.length; i++) {
      if (shares[i] >= 0 && (tightest < 0 || shares[i] > shares[tightest])) {
        tightest = i;
      }
    }
    return tightest < 0 ? null : NAMES[tightest];
  }

  private static final String[] NAMES = {"maxTotalTokens", "maxOutputTokens", "maxUpstreamSeconds", "maxCostUsd"};

  /** The share of each limit used, in {@link #NAMES} order; -1 for a limit not set (or a cost not known). */
  private double[] shares(Spend spend) {
    return new double[] {
        maxTotalTokens == null ? -1 : (double) spend.usage().totalTokens() / maxTotalTokens,
        maxOutputTokens == null ? -1 : (double) spend.usage().outputTokens() / maxOutputTokens,
        maxUpstreamSeconds == null ? -1 : spend.upstreamMs() / (maxUpstreamSeconds * 1_000.0),
        maxCostUsd == null || spend.costUsd() == null ? -1 : spend.costUsd() / maxCostUsd};
  }

  /** Whether {@code spend} reached a limit: the session may not go on until one is raised. */
  public boolean exceededBy(Spend spend) {
    return usedFraction(spend) >= 1.0;
  }
}
