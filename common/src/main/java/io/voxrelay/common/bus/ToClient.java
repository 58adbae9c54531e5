package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

/**
 * A server event for the client of {@code sessionId}, already serialised as the JSON text frame to send.
 * When {@code closeCode} is not 0 the gateway closes the socket with it right after the event; {@code json}
 * may then be null.
 *
 * @param seq the event's place in the session's event order, or 0 for a live-only event (such as audio)
 */
public record ToClient(String sessionId, long seq, String json, int closeCode) implements GatewayCommand {

  /** A numbered event, then a close if {@code closeCode} is not 0. */
  public static ToClient numbered(String sessionId, NumberedEvent event, int closeCode) {
    return new ToClient(sessionId, event.seq(), event.json(), closeCode);
  }

  /** A live-only event (no seq), then a close if {@code closeCode} is not 0. */
  public static ToClient live(String sessionId, String json, int closeCode) {
    return new ToClient(sessionId, 0, json, closeCode);
  }
}
