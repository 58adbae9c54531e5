package io.voxrelay.session;

import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.vertx.core.Future;

import java.util.List;

/** The store's hygiene: the activity sessions report, and the queries for those past a limit. Off the event loop. */
interface ActivityStore {

  /**
   * Moves the hygiene timestamps of many sessions forward (never back) and drops acknowledged events, in one
   * transaction. Not versioned: activity never conflicts with a state change.
   */
  Future<Void> recordActivity(List<Activity> activities);

  /**
   * The live sessions (connected at least once, not ended, not awaiting resume) past any limit: one indexed
   * range query per limit, so the cost follows the number of sessions that expire.
   */
  Future<ExpiredSessions> findExpired(FindExpired query);
}
