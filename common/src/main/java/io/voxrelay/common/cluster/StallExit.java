package io.voxrelay.common.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ends a service process that was stalled as long as the cluster's failure timeout. The other members may
 * have removed it meanwhile and moved its sessions; if it ran on it would be a cluster of its own until
 * Hazelcast merged it back, which can take minutes, or never happen when an instance started meanwhile joined
 * it. So it stops at once, as {@code kill -9} would (every service recovers from that), and its supervisor
 * starts a fresh instance that joins the cluster as a new member.
 */
public final class StallExit {

  /** The exit code of a process ended for its stall ({@code EX_TEMPFAIL}: start it again). */
  public static final int EXIT_CODE = 75;

  private static final Logger LOG = LoggerFactory.getLogger(StallExit.class);
  private static final long TICK_MS = 250;

  private StallExit() {
  }

  /** Watches this process from a daemon thread of its own, ending it after a stall of {@code failureTimeout}. */
  public static void watch(String service, Duration failureTimeout) {
    StallDetector detector = new StallDetector(failureTimeout, System.nanoTime());
    Thread watcher = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(TICK_MS);
        } catch (InterruptedException e) {
          return;
        }
        long stalled = detector.tick(System.nanoTime());
        if (stalled > 0) {
          LOG.error("[voxrelay] {} was stalled for {} ms, as long as the cluster failure timeout ({} s): the cluster "
                  + "may have removed it, so it exits (code {}) for its supervisor to start a fresh instance "
                  + "(VOXRELAY_CLUSTER_EXIT_AFTER_STALL=false keeps it running, to merge back)", service,
              TimeUnit.NANOSECONDS.toMillis(stalled), failureTimeout.toSeconds(), EXIT_CODE);
          System.out.flush();
          System.err.flush();
          // Not System.exit: the graceful shutdown would hand sessions over and drain through a cluster that no
          // longer counts this member in.
          Runtime.getRuntime().halt(EXIT_CODE);
        }
      }
    }, service + "-stall-exit");
    watcher.setDaemon(true);
    watcher.start();
  }
}
