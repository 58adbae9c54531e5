package io.voxrelay.session;

import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.RelayClaim;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/** {@link ClaimsStore} on JDBC: {@link LeaseRows} for leases and claims, {@link RelayEpochs} for a claims check. */
final class JdbcClaims implements ClaimsStore {

  private final StoreExecutor executor;
  private final LeaseRows leases;

  JdbcClaims(StoreExecutor executor, LeaseRows leases) {
    this.executor = executor;
    this.leases = leases;
  }

  @Override
  public Future<LeaseGrant> renewLease(String relayNode, long heldId) {
    return executor.batchWrite(c -> leases.renew(c, relayNode, heldId));
  }

  @Override
  public Future<List<String>> liveRelays() {
    return executor.read(leases::liveNodes);
  }

  @Override
  public Future<RelayClaim> claim(BindRelay request) {
    return executor.write(c -> Sql.untilWritten(request.sessionId(), () -> leases.claim(c, request)));
  }

  @Override
  public Future<List<String>> lostClaims(String relayNode, Map<String, Long> epochs) {
    return executor.read(c -> RelayEpochs.lost(c, relayNode, epochs));
  }
}
