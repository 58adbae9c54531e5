package io.voxrelay.common.protocol;

/**
 * Server events a client must not miss carry a per-session {@code seq}, assigned once by the session service
 * when the event is stored for replay. Events are built by {@link ServerEvents} as JSON objects; stamping
 * puts {@code seq} first without re-serialising the rest.
 */
public final class Sequenced {

  private Sequenced() {
  }

  public static String stamp(String eventJson, long seq) {
    if (eventJson.isEmpty() || eventJson.charAt(0) != '{') {
      throw new IllegalArgumentException("a server event is a JSON object");
    }
    return "{\"seq\":" + seq + (eventJson.length() > 2 ? "," : "") + eventJson.substring(1);
  }

  /** The {@code seq} of a stamped event, or 0 for an unsequenced one (such as {@code audio}). */
  public static long seqOf(String eventJson) {
    String prefix = "{\"seq\":";
    if (!eventJson.startsWith(prefix)) {
      return 0;
    }
    long seq = 0;
    for (int i = prefix.length(); i < eventJson.length() && Character.isDigit(eventJson.charAt(i)); i++) {
      seq = seq * 10 + (eventJson.charAt(i) - '0');
    }
    return seq;
  }
}
