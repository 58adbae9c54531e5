package io.voxrelay.common.bus;

/**
 * The relay saw a turn finish; the session service adds it to the session's history. For a typed turn,
 * {@code clientSeq} is the client message that carried it: recorded together, so a relay taking the session
 * over finds the turn either in the history or still to be carried out, never both.
 */
public record RecordTurn(String sessionId, Turn turn, long clientSeq) {
}
