package io.voxrelay.it;

import io.voxrelay.testing.Await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose deployment under test, driven through podman and podman-compose as an operator would: up with
 * an override file (replicas, test settings), kill, stop, start, exec. Every command's output goes to
 * {@code target/compose/commands.log}.
 */
final class Compose implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
  /** How often a wait that runs {@code podman exec} checks again: each check costs a process in the container. */
  static final Duration POLL = Duration.ofMillis(250);

  private final String project;
  private final Path composeFile;
  private final Path override;
  private final Path log;
  private final Map<String, String> env;

  Compose(String project, Path composeFile, Map<String, String> env) throws IOException {
    this.project = project;
    this.composeFile = composeFile;
    this.env = env;
    Path dir = Path.of("target", "compose");
    Files.createDirectories(dir);
    this.override = dir.resolve("override.yaml").toAbsolutePath();
    this.log = dir.resolve("commands.log");
  }

  /** Brings the deployment up (or to the given replicas and settings): {@code override} is a compose file. */
  void up(String overrideYaml) {
    try {
      Files.writeString(override, overrideYaml);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    run(List.of("podman-compose", "-p", project, "-f", composeFile.toString(), "-f", override.toString(), "up", "-d"));
  }

  /** The running containers of {@code service}, by name, in replica order. */
  List<String> containers(String service) {
    String out = run(List.of("podman", "ps", "--format", "{{.Names}}", "--filter",
        "label=io.podman.compose.project=" + project, "--filter", "label=com.docker.compose.service=" + service));
    return Arrays.stream(out.split("\n")).map(String::trim).filter(s -> !s.isEmpty()).sorted().toList();
  }

  /** GETs {@code path} on a container's management port, from inside it; null if it does not answer 2xx. */
  String management(String container, String path) {
    Result r = tryRun(List.of("podman", "exec", container, "curl", "-fsS", "--max-time", "5",
        "http://127.0.0.1:9090" + path));
    return r.exit == 0 ? r.output : null;
  }

  /** Waits until {@code container}'s readiness is UP. */
  void awaitReady(String container, Duration timeout) {
    Await.until(container + " ready (see target/compose/commands.log)", timeout, POLL,
        () -> management(container, "/health/ready") != null);
  }

  /** Runs {@code command} in {@code container}; its output, whatever its exit status. */
  String exec(String container, String... command) {
    List<String> full = new ArrayList<>(List.of("podman", "exec", container));
    full.addAll(List.of(command));
    return tryRun(full).output.trim();
  }

  void kill(String container) {
    run(List.of("podman", "kill", "--signal", "KILL", container));
  }

  /** SIGTERM, with room for the service's graceful stop (podman's default would SIGKILL after 10 s). */
  void stop(String container) {
    run(List.of("podman", "stop", "-t", "40", container));
  }

  void start(String container) {
    run(List.of("podman", "start", container));
  }

  /** The container's own log (its services' output). */
  String logs(String container) {
    return tryRun(List.of("podman", "logs", container)).output;
  }

  @Override
  public void close() {
    // Every container's output stays behind, for a failure to be read after the teardown.
    String all = tryRun(List.of("podman", "ps", "-a", "--format", "{{.Names}}", "--filter",
        "label=io.podman.compose.project=" + project)).output;
    for (String container : all.split("\n")) {
      if (!container.isBlank()) {
        try {
          Files.writeString(log.resolveSibling(container.trim() + ".log"), logs(container.trim()));
        } catch (IOException e) {
          // Best effort: the teardown below matters more.
        }
      }
    }
    tryRun(List.of("podman-compose", "-p", project, "-f", composeFile.toString(), "-f", override.toString(),
        "down", "-v"));
    // podman-compose 1.0.3 leaves its default network behind.
    tryRun(List.of("podman", "network", "rm", "-f", project + "_default"));
  }

  private String run(List<String> command) {
    Result r = tryRun(command);
    if (r.exit != 0) {
      throw new AssertionError(String.join(" ", command) + " exited with " + r.exit + ":\n" + r.output);
    }
    return r.output;
  }

  private record Result(int exit, String output) {
  }

  private Result tryRun(List<String> command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " took longer than " + COMMAND_TIMEOUT);
      }
      String output = new String(out, StandardCharsets.UTF_8);
      Files.writeString(log, "$ " + String.join(" ", command) + " (exit " + process.exitValue() + ")\n" + output
          + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
