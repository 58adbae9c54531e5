package io.voxrelay.common.bus;

/**
 * Asks the session service to apply a client's control to the session state; the reply is a
 * {@link SessionControlReply}. {@code text} is only set for {@link Control#TEXT}.
 *
 * @param clientSeq    the client's number for this message, 0 when it sent none
 * @param connectionId the connection it came on: only the session's live connection may control it
 */
public record SessionControlRequest(String sessionId, Control control, String text, long clientSeq, String connectionId) {
}
