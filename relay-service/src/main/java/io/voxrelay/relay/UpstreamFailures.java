package io.voxrelay.relay;

import io.vertx.core.http.UpgradeRejectedException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed upstream connect says about its provider. An outage (the upgrade refused with 429 or a 5xx, the
 * connection refused, or no answer in time) is a reason to move to the fallback; a 400, 401 or 403 at the upgrade
 * is the operator's configuration (the key, the URL, the model or deployment) and moving would hide it.
 */
final class UpstreamFailures {

  private UpstreamFailures() {
  }

  /** The upgrade was refused with this HTTP status, or -1. */
  static int upgradeStatus(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
    }
    return -1;
  }

  /** The provider is down or refusing work: a refused connection, a timeout, or a 429 or 5xx at the upgrade. */
  static boolean isOutage(Throwable failure) {
    int status = upgradeStatus(failure);
    if (status >= 0) {
      return status == 429 || status >= 500;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof TimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The provider refused who or what was asked for: 400, 401 or 403 at the upgrade. */
  static boolean isConfiguration(Throwable failure) {
    int status = upgradeStatus(failure);
    return status == 400 || status == 401 || status == 403;
  }
}
