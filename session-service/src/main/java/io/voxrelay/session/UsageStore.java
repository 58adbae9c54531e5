package io.voxrelay.session;

import io.voxrelay.common.bus.UsageReport;
import io.voxrelay.common.config.PriceTable;
import io.vertx.core.Future;

import java.util.List;

/** The store's usage ledger ({@link UsageLedger}). Its I/O runs off the event loop. */
interface UsageStore {

  /**
   * Adds a relay's usage reports to their sessions' totals, each response and upstream counted once (sent
   * again, it adds nothing), in one transaction, each report's cost estimated with {@code prices}; nothing for
   * a session that no longer exists.
   *
   * @return the sessions with limits whose totals moved: their budgets want checking
   */
  Future<List<String>> recordUsage(List<UsageReport> reports, PriceTable prices);
}
