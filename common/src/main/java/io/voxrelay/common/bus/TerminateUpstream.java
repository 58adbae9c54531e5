package io.voxrelay.common.bus;

/** The session was terminated: the relay closes its upstream (the client has been told already). */
public record TerminateUpstream(String sessionId) implements RelayCommand {
}
