package io.voxrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time of processes, from {@code /proc/<pid>/stat} (user + system, in clock ticks of 10 ms). */
final class ProcCpu {

  private static final double MILLIS_PER_TICK = 10.0;

  private ProcCpu() {
  }

  /** CPU milliseconds used so far by all of {@code pids} (a process that is gone counts 0). */
  static double millis(List<Long> pids) {
    double total = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name may hold spaces: fields are counted after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
      } catch (IOException | RuntimeException e) {
        // gone
      }
    }
    return total;
  }
}
