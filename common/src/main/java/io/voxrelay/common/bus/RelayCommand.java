package io.voxrelay.common.bus;

/** A message for the relay instance that holds a session's upstream, sent to its node address. */
public sealed interface RelayCommand permits OpenUpstream, ClientAudio, ClientDetached, RelayControlRequest, ClientHeartbeats,
    TerminateUpstream, DurableReleased, PlaybackTruncated {
  /** The session it concerns; null for a batch about many sessions. */
  String sessionId();
}
