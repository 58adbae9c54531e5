package io.voxrelay.session;

import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.RelayClaim;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/** The store's relay leases and claims ({@link LeaseTable} holds the rules). Its I/O runs off the event loop. */
interface ClaimsStore {

  /** Renews relay {@code relayNode}'s lease, which it names {@code heldId} (0: none yet); see {@link LeaseTable}. */
  Future<LeaseGrant> renewLease(String relayNode, long heldId);

  /** The relay nodes whose lease is valid now, as a claim would judge them ({@link LeaseTable#liveAfter}). */
  Future<List<String>> liveRelays();

  /** A relay's claim of a session, or its give-back of one, as {@link LeaseTable} rules. */
  Future<RelayClaim> claim(BindRelay request);

  /**
   * Of the sessions and claim epochs relay {@code relayNode} holds, those it lost: claimed since under a newer
   * epoch, no longer bound to it, or gone.
   */
  Future<List<String>> lostClaims(String relayNode, Map<String, Long> epochs);
}
