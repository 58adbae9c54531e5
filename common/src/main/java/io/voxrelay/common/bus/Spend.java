package io.voxrelay.common.bus;

/**
 * What a session has cost so far, over every upstream it had: the tokens billed, the upstream-open time, and
 * the estimated cost in US dollars (null when the deployment has no price table).
 */
public record Spend(Usage usage, long upstreamMs, Double costUsd) {

  public static final Spend NONE = new Spend(Usage.NONE, 0, null);

  public Spend {
    usage = usage == null ? Usage.NONE : usage;
  }
}
