package io.voxrelay.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold a credential a run made for itself: readable by their owner only, never seen half written. */
public final class PrivateFiles {

  private PrivateFiles() {
  }

  /** Makes {@code file} readable and writable by its owner only (on a POSIX file system; elsewhere its defaults). */
  public static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its own defaults apply.
    }
  }

  /** Writes {@code content} to {@code target}, owner-only, by an atomic move of a file written beside it. */
  public static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    ownerOnly(tmp);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
