package io.voxrelay.common.bus;

/**
 * The session service's answer to {@link BindRelay}.
 *
 * @param granted true when the claim (or the give-back) was made
 * @param holder  the relay instance holding the session after the request: the claimant when granted, else
 *                the one that holds it instead (null: none does)
 */
public record RelayClaim(boolean granted, String holder) {

  public static RelayClaim granted(String holder) {
    return new RelayClaim(true, holder);
  }

  public static RelayClaim refused(String holder) {
    return new RelayClaim(false, holder);
  }
}
