package io.voxrelay.it;

import io.voxrelay.common.cluster.ServiceLauncher;
import io.voxrelay.common.management.ManagementServer;
import io.voxrelay.testing.Await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One voxrelay service as its own OS process, started with this JVM's class path. Its output goes to
 * {@code target/process-logs/<name>.log}. A JVM shutdown hook kills it if the test run dies first.
 */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final java.util.concurrent.ConcurrentLinkedQueue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Thread shutdownHook;
  private volatile int managementPort = -1;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.shutdownHook = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Thread reader = new Thread(() -> pump(log), "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static ServiceProcess start(String name, Class<?> mainClass, Map<String, String> env) throws IOException {
    return start(name, mainClass, env, List.of());
  }

  /** As {@link #start(String, Class, Map)}, with more JVM options. */
  static ServiceProcess start(String name, Class<?> mainClass, Map<String, String> env, List<String> jvmOptions)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Processes side by side on one host: each takes a free management port (printed, see managementPort).
    builder.environment().put("VOXRELAY_MANAGEMENT_PORT", "0");
    // The test clusters' ports (see TestCluster): a process joins the cluster of the test that started it.
    builder.environment().put("VOXRELAY_CLUSTER_PORT", String.valueOf(io.voxrelay.testing.TestCluster.PORT));
    builder.environment().put("VOXRELAY_CLUSTER_MEMBERS", io.voxrelay.testing.TestCluster.membersList());
    // The test clusters' bus certificate, as in-JVM nodes use it.
    builder.environment().putAll(io.voxrelay.testing.TestCluster.tlsEnv());
    builder.environment().putAll(env);
    Path logs = Path.of("target", "process-logs");
    Files.createDirectories(logs);
    return new ServiceProcess(name, builder.start(), logs.resolve(name + ".log"));
  }

  private void pump(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        lines.add(line);
        if (line.startsWith(ServiceLauncher.READY_LINE)) {
          ready.set(true);
        } else if (line.startsWith(ManagementServer.LISTENING_LINE)) {
          managementPort = Integer.parseInt(line.substring(ManagementServer.LISTENING_LINE.length()).trim());
        }
      }
    } catch (IOException ignored) {
      // The process ended.
    }
  }

  ServiceProcess awaitReady(Duration timeout) {
    Await.until(name + " to report ready (see target/process-logs/" + name + ".log)", timeout,
        () -> {
          if (!process.isAlive() && !ready.get()) {
            throw new AssertionError(name + " exited with " + process.exitValue()
                + " (see target/process-logs/" + name + ".log)");
          }
          return ready.get();
        });
    return this;
  }

  /** The port of the process's metrics and health (known once it is ready). */
  int managementPort() {
    if (managementPort < 0) {
      throw new IllegalStateException(name + " has not printed its management port");
    }
    return managementPort;
  }

  /** Whether the process is still running. */
  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to end by itself (e.g. after a stall as long as the failure timeout).
   *
   * @return its exit code
   */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** Every line the process printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Freezes the process (SIGSTOP), as a long GC pause or a stalled VM would: it runs no code until {@link #resume}. */
  void stall() {
    signal("STOP");
  }

  /** Lets a stalled process run again (SIGCONT). */
  void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Kills the process at once, as a crash would: no clean leave from the cluster. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      // A stalled process cannot take SIGTERM's clean stop until it runs again.
      signal("CONT");
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // Already shutting down.
    }
  }
}
