package io.voxrelay.common.bus;

/**
 * Changes what the app's backend keeps with a session; answers its {@link SessionStatus}, or fails with
 * {@link BusFailure#NOT_FOUND}.
 *
 * @param setMetadata whether to change the metadata
 * @param metadata    the backend's JSON object that replaces the session's, or null to remove it
 * @param setLimits   whether to change the limits
 * @param limits      the limits that replace the session's
 */
public record UpdateSession(String sessionId, boolean setMetadata, String metadata, boolean setLimits, Budget limits) {
  public UpdateSession {
    limits = limits == null ? Budget.NONE : limits;
  }
}
