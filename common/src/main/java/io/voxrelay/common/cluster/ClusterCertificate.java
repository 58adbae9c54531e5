package io.voxrelay.common.cluster;

import io.voxrelay.common.config.ClusterTls;
import io.voxrelay.common.config.PrivateFiles;
import io.voxrelay.common.config.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A cluster certificate made once in a directory and reused: {@code cluster-tls.p12} (an EC P-256 key and its
 * self-signed certificate, valid 10 years) and {@code cluster-tls.password}, both readable by their owner
 * only. The standalone run makes one in its data directory; other processes join it by pointing
 * {@code VOXRELAY_CLUSTER_TLS_KEYSTORE} and {@code VOXRELAY_CLUSTER_TLS_PASSWORD} at the same two files. It
 * is made with the JDK's {@code keytool}, before any event loop runs.
 */
public final class ClusterCertificate {

  public static final String KEY_STORE = "cluster-tls.p12";
  public static final String PASSWORD = "cluster-tls.password";
  private static final long KEYTOOL_TIMEOUT_S = 60;

  private ClusterCertificate() {
  }

  /** The certificate in {@code dir}, made now if it is not there yet. */
  public static ClusterTls ensure(Path dir) throws IOException {
    Path store = dir.resolve(KEY_STORE);
    Path passwordFile = dir.resolve(PASSWORD);
    if (Files.exists(store) && Files.exists(passwordFile)) {
      return ClusterTls.of(store, secret(Files.readString(passwordFile, StandardCharsets.UTF_8).trim()));
    }
    Files.createDirectories(dir);
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    Path tmpStore = dir.resolve(KEY_STORE + ".tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmpStore);
    try {
      keytool(tmpStore, password);
    } catch (IOException e) {
      Files.deleteIfExists(tmpStore);
      throw e;
    }
    PrivateFiles.ownerOnly(tmpStore);
    // The password first: a store is only ever read beside its own password.
    PrivateFiles.writeAtomically(passwordFile, password);
    Files.move(tmpStore, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return ClusterTls.of(store, secret(password));
  }

  private static void keytool(Path store, String password) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    // The password reaches keytool through its environment, never its command line (which `ps` shows).
    ProcessBuilder builder = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-noprompt",
        "-alias", "voxrelay-cluster", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-validity", "3650", "-dname", "CN=voxrelay cluster", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass:env", "VOXRELAY_KEYTOOL_PASSWORD",
        "-keypass:env", "VOXRELAY_KEYTOOL_PASSWORD"))
        .redirectErrorStream(true);
    builder.environment().put("VOXRELAY_KEYTOOL_PASSWORD", password);
    // To a file, so the wait below is bounded even when keytool hangs without a word.
    Path log = Files.createTempFile("voxrelay-keytool", ".log");
    builder.redirectOutput(log.toFile());
    try {
      Process process = builder.start();
      try {
        if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
          throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_S + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while making the cluster certificate", e);
      } finally {
        process.destroyForcibly();
      }
      if (process.exitValue() != 0) {
        throw new IOException("keytool could not make the cluster certificate: "
            + Files.readString(log, StandardCharsets.UTF_8).trim());
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Secret secret(String value) {
    return Secret.of(Optional.of(value)).orElseThrow();
  }
}
