package io.voxrelay.relay;

/** What the session logic needs of the current upstream link: send to it, and know what it is doing. */
interface UpstreamChannel {

  /** What the upstream session is doing (answering, hearing speech). */
  LinkActivity activity();

  /** Asks for a response, unless one is under way or already asked for. */
  void requestResponse();

  /** Sends one Realtime client event (dropped while {@link #canSend()} is false). */
  void send(String clientEvent);

  /**
   * Whether a client event sent now goes upstream: not while the relay is fenced after a stall, nor after the
   * relay closed the link. Turn taking moves nothing on while it cannot, so no turn is recorded unsent.
   */
  boolean canSend();
}
