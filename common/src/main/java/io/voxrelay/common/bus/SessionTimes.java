package io.voxrelay.common.bus;

/**
 * The hygiene timestamps of one live session (epoch ms).
 *
 * @param startedAt start of the current run: creation, or the last resume after a termination
 */
public record SessionTimes(String sessionId, long startedAt, long lastHeartbeatAt, long lastAudioActivityAt,
                           long lastInteractionAt, boolean paused) {
}
