package io.voxrelay.common.bus;

/**
 * Opens the upstream of a session, or re-attaches the client when this relay already holds it.
 * {@code connectionId} names the client connection, so a late detach of an older one is ignored.
 * Sent to a relay's node address: the relay holding the session, or for one no relay holds, a relay the gateway
 * picked from the live ones ({@link LiveRelays}). For an upstream it opened, the relay asks back
 * ({@code replyAndRequest}) and the gateway confirms that its client is still waiting; without that confirmation
 * the relay closes the upstream at once.
 *
 * @param takeover       why the session moves here from the relay that held it ({@code relay_failover}: that relay
 *                       is gone; {@code relay_handoff}: it is stopping), told to the client in {@code upstream.restored};
 *                       null for no move
 * @param afterSeq       the client has every event up to this seq (it is at most the highest seq issued): the
 *                       relay replies with the transient events after it, and numbers new ones after it
 * @param storedSeq      the latest durable seq known to be stored: new transient events are numbered after it too
 * @param transientsLost the relay that held the session last is gone, and with it its transient events
 */
public record OpenUpstream(String sessionId, String gatewayNode, String connectionId, SessionSnapshot session,
                           String takeover, long afterSeq, long storedSeq, boolean transientsLost)
    implements RelayCommand {

  /** A relay that is gone held the session. */
  public static final String RELAY_FAILOVER = "relay_failover";
  /** A relay that is stopping cleanly held the session, and handed it over. */
  public static final String RELAY_HANDOFF = "relay_handoff";

  /** Whether the session moves here from another relay. */
  public boolean failover() {
    return takeover != null;
  }

  /**
   * Whether the relay the session's snapshot names no longer holds it by its own word: it is handing the session
   * over, or it answered that it does not hold it (an open that found it gone is {@link #transientsLost}).
   */
  public boolean holderDisowned() {
    return RELAY_HANDOFF.equals(takeover) || !transientsLost;
  }

  /** The same open, after the relay it was meant for turned out to be gone. */
  public OpenUpstream afterRelayLost() {
    return new OpenUpstream(sessionId, gatewayNode, connectionId, session, takeover, afterSeq, storedSeq, true);
  }
}
