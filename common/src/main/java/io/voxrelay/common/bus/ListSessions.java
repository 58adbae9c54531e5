package io.voxrelay.common.bus;

/**
 * Asks for a page of sessions, newest first.
 *
 * @param state  a {@link io.voxrelay.common.protocol.SessionState} code, or null for every state
 * @param before the {@link SessionList#next()} cursor of the page before, or null for the first page
 * @param limit  the most sessions in the page
 */
public record ListSessions(String state, String before, int limit) {
}
