package io.voxrelay.common.bus;

/**
 * A client's control, sent by its gateway to the relay holding the session, which carries it out and stores it
 * (see {@link ClientControl}); the reply is a {@link SessionControlReply} once the session's state has it
 * (audio sent after the reply sees the new state). A typed turn is answered as soon as it is accepted: it is
 * stored when it enters the conversation. A relay carries out each {@code clientSeq} at most once.
 *
 * @param text         set only for {@link Control#TEXT}
 * @param clientSeq    the client's number for this message, 0 when it sent none
 * @param connectionId the connection it came on: only the session's live connection may control it
 */
public record RelayControlRequest(String sessionId, Control control, String text, long clientSeq, String connectionId)
    implements RelayCommand {
}
