package io.voxrelay.common.bus;

/**
 * Ends a session for the app's backend, as {@code end_interview} does: its client gets {@code interview.ended}
 * (stored first, so a client away gets it when it returns) and its upstream closes. Answers the session's
 * {@link SessionStatus}; ending an ended session changes nothing. Fails with {@link BusFailure#NOT_FOUND}.
 */
public record EndSession(String sessionId) {
}
