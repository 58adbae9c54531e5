package io.voxrelay.common.bus;

/** Microphone audio from the client: base64 PCM16, 24 kHz, mono, passed through without re-encoding. */
public record ClientAudio(String sessionId, String base64Pcm) implements RelayCommand {
}
