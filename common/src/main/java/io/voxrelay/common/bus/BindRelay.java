package io.voxrelay.common.bus;

/**
 * Claims a session for {@code relayNode} (or, with null, gives a claim back), only if the session is still
 * held by {@code expectedRelayNode} (null: by no relay). The answer is a {@link RelayClaim}: of several relays
 * racing for one session exactly one is granted; the others learn which relay holds it. A relay claims before
 * it opens an upstream, so a session never has two.
 *
 * <p>Every grant raises the session's fencing epoch and answers it; a give-back names the epoch of the claim
 * it ends ({@code epoch}) and is ignored if the session has been claimed again since.
 */
public record BindRelay(String sessionId, String relayNode, String expectedRelayNode, long epoch) {

  /** A claim for {@code relayNode}, if {@code expected} still holds the session. */
  public static BindRelay claim(String sessionId, String relayNode, String expected) {
    return new BindRelay(sessionId, relayNode, expected, 0);
  }

  /** {@code relayNode} gives back the claim it got under {@code epoch}. */
  public static BindRelay giveBack(String sessionId, String relayNode, long epoch) {
    return new BindRelay(sessionId, null, relayNode, epoch);
  }
}
