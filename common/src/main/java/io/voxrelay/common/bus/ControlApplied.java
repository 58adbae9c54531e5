package io.voxrelay.common.bus;

/** The relay carried out the client message {@code clientSeq} upstream. */
public record ControlApplied(String sessionId, long clientSeq) {
}
