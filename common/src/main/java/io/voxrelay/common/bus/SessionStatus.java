package io.voxrelay.common.bus;

/**
 * What the app's backend may read about a session (the session API): never its token, its instructions or
 * its transcript (a route of its own).
 *
 * @param state             a {@link io.voxrelay.common.protocol.SessionState} code
 * @param terminationReason the watchdog's reason while {@code state} is {@code terminated}, {@code ended}
 *                          once ended, else null
 * @param clientConnected   a client connection is open at a gateway now
 * @param upstreamOpen      a relay holds an upstream for it now
 * @param upstreamFailures  how many times a relay gave up reopening its upstream
 * @param connections       how many times a client has connected
 * @param startedAt         when the current run began (creation, or a resume after a termination)
 * @param lastActivityAt    the later of the last forwarded audio and the last interaction
 * @param metadata          the backend's own JSON object, or null
 * @param usage             the tokens its upstreams were billed, in all (every upstream it had)
 * @param upstreamMs        how long its upstreams were open, in all
 * @param limits            its limits on what it may cost
 * @param costUsd           its estimated cost in US dollars, from the price table; null without one
 */
public record SessionStatus(String sessionId, String state, int currentQuestionIndex, int questionCount,
                            boolean paused, boolean textOnly, String terminationReason, boolean clientConnected,
                            boolean upstreamOpen, int upstreamFailures, int connections, long createdAt, long startedAt,
                            long lastHeartbeatAt, long lastActivityAt, String metadata, Usage usage,
                            long upstreamMs, Budget limits, Double costUsd) {
}
