package io.voxrelay.session;

import io.voxrelay.common.bus.UsageReport;
import io.voxrelay.common.config.PriceTable;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link UsageStore} on JDBC: a relay's reports into the {@link UsageLedger}, in one transaction. */
final class JdbcUsage implements UsageStore {

  private final StoreExecutor executor;

  JdbcUsage(StoreExecutor executor) {
    this.executor = executor;
  }

  @Override
  public Future<List<String>> recordUsage(List<UsageReport> reports, PriceTable prices) {
    // In session order, as the activity batches: no two multi-row transactions deadlock.
    List<UsageReport> ordered = reports.stream().sorted(Comparator.comparing(UsageReport::sessionId)).toList();
    return executor.batchWrite(c -> {
      long now = System.currentTimeMillis();
      return Sql.inTransaction(c, () -> {
        List<String> toCheck = new ArrayList<>();
        for (UsageReport report : ordered) {
          if (UsageLedger.record(c, report, now, prices) && !toCheck.contains(report.sessionId())) {
            toCheck.add(report.sessionId());
          }
        }
        return toCheck;
      });
    });
  }
}
