package io.voxrelay.common.bus;

/** The relay carried out the client message {@code clientSeq} upstream. */
public record RelayControlDone(String sessionId, long clientSeq) {
}
