package io.voxrelay.common.bus;

/**
 * The client on connection {@code connectionId} cut the AI's answer {@code itemId} short (the user spoke over
 * it) after playing {@code audioEndMs} of its audio. Sent to the relay node holding the session, in order with
 * the connection's audio.
 */
public record PlaybackTruncated(String sessionId, String connectionId, String itemId, long audioEndMs)
    implements RelayCommand {
}
