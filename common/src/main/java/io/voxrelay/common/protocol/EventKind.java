package io.voxrelay.common.protocol;

import java.util.Set;

/**
 * The one rule for which server events are stored and which are not.
 *
 * <ul>
 *   <li>{@link #DURABLE}: needed to rebuild the conversation or the session's state (finished turns, state
 *   changes, the upstream's comings and goings, terminations, errors the user must see). Numbered and stored
 *   by the session service before they are sent; never lost.</li>
 *   <li>{@link #TRANSIENT}: progress a later durable event supersedes (transcript deltas, superseded by the
 *   turn's {@code transcript.done}; {@code speech.started}, by the user's turn; {@code response.done}, by
 *   the answer's turn). Numbered by the relay, sent at once, kept for replay in the relay's bounded ring. A
 *   crash may lose them; the client then gets {@code replay.truncated} with {@code transientOnly}.</li>
 *   <li>{@link #LIVE}: never numbered or replayed ({@code audio}, {@code heartbeat.pong}, {@code connected},
 *   {@code replay.truncated}, errors about one frame).</li>
 * </ul>
 */
public enum EventKind {
  DURABLE, TRANSIENT, LIVE;

  private static final Set<String> TRANSIENT_TYPES = Set.of("transcript.delta", "speech.started", "response.done");
  private static final Set<String> LIVE_TYPES = Set.of("audio", "heartbeat.pong", "connected", "replay.truncated",
      "audio.dropped");
  private static final String TYPE_PREFIX = "{\"type\":\"";

  /** The kind of an event type. */
  public static EventKind ofType(String type) {
    if (TRANSIENT_TYPES.contains(type)) {
      return TRANSIENT;
    }
    return LIVE_TYPES.contains(type) ? LIVE : DURABLE;
  }

  /** The kind of an unstamped event built by {@link ServerEvents} (its {@code type} comes first). */
  public static EventKind of(String eventJson) {
    if (!eventJson.startsWith(TYPE_PREFIX)) {
      throw new IllegalArgumentException("not an unstamped server event");
    }
    int end = eventJson.indexOf('"', TYPE_PREFIX.length());
    return ofType(eventJson.substring(TYPE_PREFIX.length(), end));
  }
}
