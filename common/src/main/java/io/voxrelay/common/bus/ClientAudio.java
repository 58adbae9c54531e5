package io.voxrelay.common.bus;

/**
 * Microphone audio from the client connection {@code connectionId}: base64 PCM16, 24 kHz, mono, passed through
 * without re-encoding. Audio from a connection that is no longer the session's live one is dropped.
 */
public record ClientAudio(String sessionId, String connectionId, String base64Pcm) implements RelayCommand {
}
