package io.voxrelay.common.bus;

/**
 * The session after a control. {@code duplicate}: this client seq was processed already (a resend after a
 * reconnect or a timeout), and nothing changed.
 */
public record SessionControlReply(SessionSnapshot session, boolean duplicate) {
}
