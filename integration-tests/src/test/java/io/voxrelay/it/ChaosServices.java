package io.voxrelay.it;

import io.voxrelay.common.cluster.StallExit;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.testing.Await;
import io.voxrelay.watchdog.WatchdogServiceMain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chaos suite's processes: two instances of each service, each restartable under a new generation, and
 * the faults done to them ({@link ChaosFault}); it is also their supervisor, starting afresh an instance that
 * exits after a stall as long as the failure timeout. Knows which gateways are up, for the clients, and when each
 * relay stalled past the failure timeout, for the overlap check.
 */
final class ChaosServices {

  static final List<String> TYPES = List.of("session", "watchdog", "relay", "gateway");
  private static final Map<String, Class<?>> MAINS = Map.of("session", SessionServiceMain.class,
      "watchdog", WatchdogServiceMain.class, "relay", RelayServiceMain.class, "gateway", GatewayServiceMain.class);

  /** A relay frozen past the failure timeout: its sessions move, and its upstreams close as it runs again. */
  record LongStall(long startNanos, long resumedNanos) {
  }

  private final ProcessCluster cluster;
  private final int[] gatewayPorts;
  private final Map<String, ServiceProcess> running = new LinkedHashMap<>();
  private final Set<Integer> gatewaysUp = ConcurrentHashMap.newKeySet();
  private final List<LongStall> longStalls = new ArrayList<>();
  private final long shortStallMs;
  private final long longStallMs;
  private int generation;

  ChaosServices(ProcessCluster cluster, long shortStallMs, long longStallMs) {
    this.cluster = cluster;
    this.gatewayPorts = new int[] {cluster.httpPort, ProcessCluster.freePort()};
    this.shortStallMs = shortStallMs;
    this.longStallMs = longStallMs;
  }

  void startAll() {
    for (String type : TYPES) {
      for (int i = 0; i < 2; i++) {
        start(type, i);
      }
    }
  }

  /** A gateway port that is up (or the first one, when none is). */
  int gatewayPort(Random random) {
    List<Integer> up = new ArrayList<>(gatewaysUp);
    return up.isEmpty() ? gatewayPorts[0] : gatewayPorts[up.get(random.nextInt(up.size()))];
  }

  List<LongStall> longStalls() {
    return List.copyOf(longStalls);
  }

  /** Does {@code fault} to a random instance of its service, and brings everything back. */
  void inject(ChaosFault fault, Random random) {
    int i = random.nextInt(2);
    String name = fault.service + i;
    switch (fault) {
      case KILL_RELAY, KILL_GATEWAY, KILL_SESSION, KILL_WATCHDOG -> {
        down(name).kill();
        Await.sleep(1_000);
        start(fault.service, i);
      }
      case KILL_GATEWAY_THEN_RELAY -> {
        // Two members leaving moments apart: the case that once left routes to a departed node.
        int relay = random.nextInt(2);
        down("gateway" + i).kill();
        Await.sleep(500);
        down("relay" + relay).kill();
        Await.sleep(1_000);
        start("gateway", i);
        start("relay", relay);
      }
      case SHORT_STALL_RELAY, SHORT_STALL_GATEWAY -> stall(name, shortStallMs, false);
      case LONG_STALL_RELAY, LONG_STALL_SESSION -> {
        stall(name, longStallMs, "relay".equals(fault.service));
        // Stalled as long as the failure timeout, it exits as it runs again; the supervisor starts it afresh.
        int code = down(name).awaitExit(Duration.ofSeconds(10));
        if (code != StallExit.EXIT_CODE) {
          throw new AssertionError(name + " exited with " + code + " after its long stall, not "
              + StallExit.EXIT_CODE);
        }
        start(fault.service, i);
      }
      case SESSION_SERVICE_DOWN -> {
        down("session0").kill();
        down("session1").kill();
        Await.sleep(5_000);
        start("session", 0);
        start("session", 1);
      }
      case STOP_RELAY, STOP_GATEWAY, STOP_SESSION, STOP_WATCHDOG -> {
        down(name).close();
        start(fault.service, i);
      }
      case FULL_RESTART -> {
        for (String type : List.of("gateway", "relay", "watchdog", "session")) {
          down(type + "0").close();
          down(type + "1").close();
        }
        startAll();
      }
    }
  }

  private void stall(String name, long millis, boolean recordLong) {
    ServiceProcess process = running.get(name);
    long start = System.nanoTime();
    process.stall();
    Await.sleep(millis);
    long resumed = System.nanoTime();
    process.resume();
    if (recordLong) {
      longStalls.add(new LongStall(start, resumed));
    }
  }

  private ServiceProcess down(String name) {
    if (name.startsWith("gateway")) {
      gatewaysUp.remove(Integer.parseInt(name.substring("gateway".length())));
    }
    return running.remove(name);
  }

  private void start(String type, int index) {
    String name = "chaos-" + type + "-" + index + "-g" + generation++;
    ServiceProcess process = "gateway".equals(type)
        ? cluster.start(name, MAINS.get(type), Map.of("VOXRELAY_HTTP_PORT", String.valueOf(gatewayPorts[index])))
        : cluster.start(name, MAINS.get(type));
    running.put(type + index, process);
    if ("gateway".equals(type)) {
      gatewaysUp.add(index);
    }
  }

  /** Every line every process printed, for the final checks. */
  List<String> relayLines() {
    List<String> lines = new ArrayList<>();
    running.forEach((name, p) -> {
      if (name.startsWith("relay")) {
        lines.addAll(p.lines());
      }
    });
    return lines;
  }
}
