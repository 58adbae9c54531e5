package io.voxrelay.relay;

/** What the session logic needs of the current upstream link: send to it, and know what it is doing. */
interface UpstreamChannel {

  /** What the upstream session is doing (answering, hearing speech). */
  LinkActivity activity();

  /** Asks for a response, unless one is under way or already asked for. */
  void requestResponse();

  /** Sends one Realtime client event. */
  void send(String clientEvent);
}
