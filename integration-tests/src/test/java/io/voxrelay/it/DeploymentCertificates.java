package io.voxrelay.it;

import io.voxrelay.common.cluster.ClusterCertificate;
import io.voxrelay.common.config.ClusterTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose deployment's certificates for a test, made the way docs/operations.md tells an operator to, and
 * the settings {@code deploy/compose.yaml} reads them from.
 */
final class DeploymentCertificates {

  private DeploymentCertificates() {
  }

  /** The bus's cluster certificate in {@code dir}, readable by the containers' user (uid 10001, not the test's). */
  static Map<String, String> cluster(Path dir) throws IOException {
    ClusterTls tls = ClusterCertificate.ensure(dir);
    Files.setPosixFilePermissions(tls.keyStore().orElseThrow(), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return Map.of("VOXRELAY_CLUSTER_TLS_DIR", dir.toString(),
        "VOXRELAY_CLUSTER_TLS_PASSWORD", tls.password().orElseThrow().reveal());
  }

  /**
   * The load balancer's certificate (for 127.0.0.1 and localhost) and PostgreSQL's, made in {@code dir} by
   * {@code deploy/self-signed-tls.sh}.
   */
  static Map<String, String> publicAndDatabase(Path dir) throws IOException, InterruptedException {
    Path script = Path.of("..", "deploy", "self-signed-tls.sh").toAbsolutePath().normalize();
    Process process = new ProcessBuilder("bash", script.toString(), dir.toString(), "127.0.0.1", "localhost")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("deploy/self-signed-tls.sh failed: " + output);
    }
    return Map.of("VOXRELAY_LB_TLS_DIR", dir.resolve("lb-tls").toString(),
        "VOXRELAY_DB_TLS_DIR", dir.resolve("db-tls").toString());
  }

  /** The certificate a client of the public port trusts, of those made in {@code dir}. */
  static Path publicCertificate(Path dir) {
    return dir.resolve("lb-tls").resolve("lb.crt");
  }

  /** A TLS context that trusts {@code certificate} (PEM) alone. */
  static SSLContext trusting(Path certificate) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      store.setCertificateEntry("lb", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
