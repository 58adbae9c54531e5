package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

/**
 * A server event for the client of {@code sessionId}, already serialised as the JSON text frame to send.
 * When {@code closeCode} is not 0 the gateway closes the socket with it right after the event; {@code json}
 * may then be null.
 *
 * @param seq       the event's place in the session's event order, or 0 for a live-only event (such as audio)
 * @param relayNode the relay instance that sent it, or null from another service: a gateway takes a relay's
 *                  events only from the relay it routes the session to, so a relay that lost the session
 *                  (fenced, taken over) never reaches its client
 */
public record ToClient(String sessionId, long seq, String json, int closeCode, String relayNode)
    implements GatewayCommand {

  /** A numbered event from a service that holds no relay claim, then a close if {@code closeCode} is not 0. */
  public static ToClient numbered(String sessionId, NumberedEvent event, int closeCode) {
    return numbered(sessionId, event, closeCode, null);
  }

  /** A numbered event from relay {@code relayNode}, then a close if {@code closeCode} is not 0. */
  public static ToClient numbered(String sessionId, NumberedEvent event, int closeCode, String relayNode) {
    return new ToClient(sessionId, event.seq(), event.json(), closeCode, relayNode);
  }

  /** A live-only event (no seq) from relay {@code relayNode}, then a close if {@code closeCode} is not 0. */
  public static ToClient live(String sessionId, String json, int closeCode, String relayNode) {
    return new ToClient(sessionId, 0, json, closeCode, relayNode);
  }
}
