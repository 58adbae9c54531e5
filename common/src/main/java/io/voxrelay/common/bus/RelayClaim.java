package io.voxrelay.common.bus;

/**
 * The session service's answer to {@link BindRelay}.
 *
 * @param granted true when the claim (or the give-back) was made
 * @param holder  the relay instance holding the session after the request: the claimant when granted, else
 *                the one that holds it instead (null: none does)
 * @param epoch   the session's fencing epoch after the request: a granted claim's own epoch, which the relay
 *                stamps on everything it sends for the session
 */
public record RelayClaim(boolean granted, String holder, long epoch) {

  public static RelayClaim granted(String holder, long epoch) {
    return new RelayClaim(true, holder, epoch);
  }

  public static RelayClaim refused(String holder, long epoch) {
    return new RelayClaim(false, holder, epoch);
  }
}
