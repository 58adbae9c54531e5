package io.voxrelay.common.bus;

/**
 * Tells the relay holding a session to carry out a control upstream, given the session state after it.
 * The reply is empty once the relay has applied it (audio sent after the reply sees the new state). A relay
 * carries out each {@code clientSeq} at most once.
 */
public record RelayControlRequest(String sessionId, Control control, String text, long clientSeq, SessionSnapshot session)
    implements RelayCommand {
}
