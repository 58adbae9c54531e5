package io.voxrelay.common.bus;

import java.util.List;

/**
 * The relay holding a session under claim {@code epoch} takes back typed turns that could not enter the
 * conversation in time, client seqs {@code seqs} (ascending, the last being the latest client seq the session
 * processed). The session service forgets that it processed them, so the client's resends under the same seqs
 * are processed once. The reply is a {@link ControlsWithdrawn}; a stale epoch fails with
 * {@link BusFailure#FENCED}.
 */
public record WithdrawControls(String sessionId, long epoch, List<Long> seqs) {
  public WithdrawControls {
    seqs = List.copyOf(seqs);
  }
}
