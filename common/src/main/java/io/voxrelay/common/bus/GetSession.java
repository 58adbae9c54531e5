package io.voxrelay.common.bus;

/** Asks for a session's current {@link SessionSnapshot}. */
public record GetSession(String sessionId) {
}
