package io.voxrelay.common.bus;

/**
 * A session's limits on what it may cost (each null: no limit): total tokens, output tokens and upstream
 * seconds, summed over every upstream it has ({@link Usage}). Set at creation and changed by the app's
 * backend ({@code PATCH /v1/sessions/{id}}).
 */
public record Budget(Long maxTotalTokens, Long maxOutputTokens, Long maxUpstreamSeconds) {

  public static final Budget NONE = new Budget(null, null, null);

  public boolean isEmpty() {
    return maxTotalTokens == null && maxOutputTokens == null && maxUpstreamSeconds == null;
  }
}
