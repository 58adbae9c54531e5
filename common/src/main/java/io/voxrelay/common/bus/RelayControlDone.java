package io.voxrelay.common.bus;

/**
 * The relay carried out the client message {@code clientSeq} upstream, under its claim {@code epoch}. The
 * reply is empty; a stale epoch fails with {@link BusFailure#FENCED}. Applying it twice changes nothing.
 */
public record RelayControlDone(String sessionId, long clientSeq, long epoch) {
}
