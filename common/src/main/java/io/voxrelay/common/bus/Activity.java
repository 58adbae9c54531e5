package io.voxrelay.common.bus;

/**
 * Activity seen for one session since the last report: the latest client heartbeat, the latest audio
 * actually forwarded upstream (epoch ms, 0 when none), and the highest event seq the client acknowledged
 * (0 when none).
 */
public record Activity(String sessionId, long heartbeatAt, long audioAt, long ackSeq) {
}
