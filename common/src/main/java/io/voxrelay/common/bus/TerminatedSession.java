package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.TerminationReason;

/** A session this order terminated (no other order did or will), with what the log line needs. */
public record TerminatedSession(String sessionId, TerminationReason reason, long ageMs, int questionIndex,
                                int questionCount) {
}
