package io.voxrelay.common.bus;

/** The relay saw a turn finish; the session service adds it to the session's history. */
public record RecordTurn(String sessionId, Turn turn) {
}
