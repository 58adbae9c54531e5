package io.voxrelay.common.bus;

/**
 * Claims a session for {@code relayNode} (or, with null, gives a claim back). The answer is a {@link RelayClaim}:
 * of several relays racing for one session exactly one is granted; the others learn which relay holds it. A relay
 * claims before it opens an upstream, so a session never has two. A claim takes a session held by another relay
 * only once that relay's lease has run out, or when that relay ({@code expectedRelayNode}) said it no longer holds
 * the session ({@code disowned}: it answered so, or it is stopping and handed the session over).
 *
 * <p>Every grant raises the session's fencing epoch and answers it; a give-back names the epoch of the claim
 * it ends ({@code epoch}) and is ignored if the session has been claimed again since.
 */
public record BindRelay(String sessionId, String relayNode, String expectedRelayNode, long epoch, boolean disowned) {

  /** A claim for {@code relayNode}; {@code expected} held the session and said it no longer does, if {@code disowned}. */
  public static BindRelay claim(String sessionId, String relayNode, String expected, boolean disowned) {
    return new BindRelay(sessionId, relayNode, expected, 0, disowned);
  }

  /** {@code relayNode} gives back the claim it got under {@code epoch}. */
  public static BindRelay giveBack(String sessionId, String relayNode, long epoch) {
    return new BindRelay(sessionId, null, relayNode, epoch, false);
  }
}
