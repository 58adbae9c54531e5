package io.voxrelay.common.protocol;

/**
 * A server event a client must not miss, with its place in the session's event order ({@link EventSeq}).
 * The seq travels beside the JSON, so no one reads it back out of the text; {@code json} already carries it
 * as its {@code seq} field for the client ({@link #of}).
 *
 * @param seq  the event's seq, above 0
 * @param json the event as the client receives it, {@code seq} included
 */
public record NumberedEvent(long seq, String json) {

  public NumberedEvent {
    if (seq <= 0) {
      throw new IllegalArgumentException("a numbered event has a seq above 0");
    }
  }

  /** Numbers an unnumbered event built by {@link ServerEvents}: {@code seq} goes in as its first field. */
  public static NumberedEvent of(String eventJson, long seq) {
    if (eventJson.isEmpty() || eventJson.charAt(0) != '{') {
      throw new IllegalArgumentException("a server event is a JSON object");
    }
    return new NumberedEvent(seq, "{\"seq\":" + seq + (eventJson.length() > 2 ? "," : "") + eventJson.substring(1));
  }
}
