package io.voxrelay.common.bus;

/** A message for the relay instance that holds a session's upstream, sent to its node address. */
public sealed interface RelayCommand permits OpenUpstream, ClientAudio, ClientDetached, ApplyControl {
  String sessionId();
}
