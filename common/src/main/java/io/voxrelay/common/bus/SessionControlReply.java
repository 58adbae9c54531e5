package io.voxrelay.common.bus;

/**
 * The session after a control. {@code duplicate}: the session service had processed this client seq already
 * (a resend after a reconnect) and changed nothing; the relay still gets it, to carry it out if it had not.
 */
public record SessionControlReply(SessionSnapshot session, boolean duplicate) {
}
