package io.voxrelay.common.bus;

/**
 * Asks for a page of a session's whole history (not only the recent turns a snapshot carries): the turns at
 * positions after {@code afterPosition} (positions count from 1), at most {@code limit} of them.
 */
public record GetTranscript(String sessionId, long afterPosition, int limit) {
}
