package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.TerminationReason;

/** One session to end, and why. */
public record Termination(String sessionId, TerminationReason reason) {
}
