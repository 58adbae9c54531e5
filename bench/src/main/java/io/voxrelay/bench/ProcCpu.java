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

  /** This machine's CPU time so far, in clock ticks: {busy, all} (idle and I/O wait are not busy). */
  static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        all += Long.parseLong(f[i]);
      }
      return new long[] {all - Long.parseLong(f[4]) - Long.parseLong(f[5]), all};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** The share of the machine's CPU busy between two {@link #machineTicks} readings (NaN if unknown). */
  static double busyShare(long[] before, long[] after) {
    long all = after[1] - before[1];
    return all <= 0 ? Double.NaN : (double) (after[0] - before[0]) / all;
  }

  /**
   * CPU milliseconds used so far by the JIT compiler threads of the JVMs {@code pids} (HotSpot names them
   * "C1 CompilerThreadN" and "C2 CompilerThreadN"): the part of a JVM's CPU that is compiling its code, which a
   * JVM spends while it warms up, not per stream.
   */
  static double jitMillis(List<Long> pids) {
    double total = 0;
    for (long pid : pids) {
      try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          total += compilerMillis(task.resolve("stat"));
        }
      } catch (IOException | RuntimeException e) {
        // gone
      }
    }
    return total;
  }

  private static double compilerMillis(Path stat) {
    try {
      String line = Files.readString(stat);
      String comm = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
      if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
        return 0;
      }
      return ticks(line) * MILLIS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** User + system ticks of one {@code stat} line. */
  private static long ticks(String stat) {
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** CPU milliseconds used so far by all of {@code pids} (a process that is gone counts 0). */
  static double millis(List<Long> pids) {
    double total = 0;
    for (long pid : pids) {
      try {
        total += ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * MILLIS_PER_TICK;
      } catch (IOException | RuntimeException e) {
        // gone
      }
    }
    return total;
  }
}
