package io.voxrelay.common.bus;

import java.util.List;

/** The usage reports of many sessions from one relay, stored in one transaction. The reply is empty. */
public record UsageBatch(List<UsageReport> reports) {
  /** The most reports one batch carries; a relay splits more into several. */
  public static final int MAX_REPORTS = 500;

  public UsageBatch {
    reports = List.copyOf(reports);
  }
}
