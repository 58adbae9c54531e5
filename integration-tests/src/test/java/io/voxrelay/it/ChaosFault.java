package io.voxrelay.it;

/** The faults the chaos suite injects, one after another; each names what it does to which service type. */
enum ChaosFault {
  KILL_RELAY("kill -9", "relay"),
  KILL_GATEWAY("kill -9", "gateway"),
  KILL_SESSION("kill -9", "session"),
  KILL_WATCHDOG("kill -9", "watchdog"),
  KILL_GATEWAY_THEN_RELAY("kill -9, 0.5 s apart", "gateway and relay"),
  SHORT_STALL_RELAY("SIGSTOP past the bus timeout", "relay"),
  LONG_STALL_RELAY("SIGSTOP past the failure timeout", "relay"),
  SHORT_STALL_GATEWAY("SIGSTOP past the bus timeout", "gateway"),
  LONG_STALL_SESSION("SIGSTOP past the failure timeout", "session"),
  SESSION_SERVICE_DOWN("every session-service instance down for 5 s", "session"),
  STOP_RELAY("clean stop", "relay"),
  STOP_GATEWAY("clean stop", "gateway"),
  STOP_SESSION("clean stop", "session"),
  STOP_WATCHDOG("clean stop", "watchdog"),
  FULL_RESTART("full restart of everything", "all");

  final String action;
  final String service;

  ChaosFault(String action, String service) {
    this.action = action;
    this.service = service;
  }

  @Override
  public String toString() {
    return action + " (" + service + ")";
  }
}
