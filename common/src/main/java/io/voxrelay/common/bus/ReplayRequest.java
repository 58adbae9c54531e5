package io.voxrelay.common.bus;

/** Asks for the stored events of a session after {@code afterSeq}; the reply is a {@link Replay}. */
public record ReplayRequest(String sessionId, long afterSeq) {
}
