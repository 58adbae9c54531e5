package io.voxrelay.common.bus;

/** Asks the session service for the live sessions past any of these limits at {@code now}. */
public record FindExpired(long now, long maxAgeMs, long heartbeatTimeoutMs, long idleTimeoutMs) {
}
