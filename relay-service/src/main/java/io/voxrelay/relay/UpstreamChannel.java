package io.voxrelay.relay;

/** What the session logic needs of the current upstream link: send to it, and know what it is doing. */
interface UpstreamChannel {

  /** What the upstream session is doing (answering, hearing speech). */
  LinkActivity activity();

  /**
   * Asks for the answer to turn {@code itemId}, unless a response is under way or already asked for.
   *
   * @return whether it was asked for now
   */
  boolean requestResponse(String itemId);

  /**
   * Asks for the answer to turn {@code itemId} again, whatever the link believes is under way: the last
   * request brought no response in time. A response that is under way after all makes the upstream refuse
   * this one, which changes nothing.
   */
  void requestResponseAgain(String itemId);

  /** Sends one Realtime client event (dropped while {@link #canSend()} is false). */
  void send(String clientEvent);

  /**
   * Whether a client event sent now goes upstream: not while the relay may not act (its lease does not hold), nor after the
   * relay closed the link. Turn taking moves nothing on while it cannot, so no turn is recorded unsent.
   */
  boolean canSend();
}
