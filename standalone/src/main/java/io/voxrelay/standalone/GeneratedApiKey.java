package io.voxrelay.standalone;

import io.voxrelay.common.config.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The session API's key of a standalone run with no {@code VOXRELAY_API_KEY}: 256 random bits, made once in
 * the data directory ({@code api-key}, readable by its owner only) and reused by every later run there. An app
 * backend on this machine reads it from that file.
 */
final class GeneratedApiKey {

  static final String FILE = "api-key";

  private GeneratedApiKey() {
  }

  /** The key in {@code dataDir}, made now if it is not there yet. */
  static String ensure(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String key = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (key.length() < 32) {
        throw new IOException(file + " holds no usable key: remove it, and a new one is made");
      }
      return key;
    }
    Files.createDirectories(dataDir);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String key = "vxr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    PrivateFiles.writeAtomically(file, key + "\n");
    return key;
  }
}
