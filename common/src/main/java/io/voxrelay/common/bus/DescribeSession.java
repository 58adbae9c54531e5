package io.voxrelay.common.bus;

/** Asks for a session's {@link SessionStatus}; fails with {@link BusFailure#NOT_FOUND} for no such session. */
public record DescribeSession(String sessionId) {
}
