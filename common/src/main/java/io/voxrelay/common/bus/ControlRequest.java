package io.voxrelay.common.bus;

/**
 * Asks the session service to apply a client's control to the session state; the reply is the
 * {@link SessionSnapshot} after it. {@code text} is only set for {@link Control#TEXT}.
 */
public record ControlRequest(String sessionId, Control control, String text) {
}
