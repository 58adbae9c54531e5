package io.voxrelay.session;

/**
 * A relay sent something under a claim of the session that a newer claim has replaced: refused, nothing
 * written, and answered {@link io.voxrelay.common.bus.BusFailure#FENCED} so the relay closes its upstream.
 */
final class StaleClaim extends RuntimeException {

  StaleClaim(String sessionId, long epoch, long current) {
    super("the claim of " + sessionId + " under epoch " + epoch + " was replaced (epoch " + current + ")", null,
        false, false);
  }
}
