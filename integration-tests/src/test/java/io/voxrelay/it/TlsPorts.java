package io.voxrelay.it;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local ports where a test's deployment speaks TLS (the compose deployment's load balancer), each with the
 * certificate a client trusts there. {@link VoiceClient} connects to every other port in the clear.
 */
final class TlsPorts {

  private static final Map<Integer, Path> TRUSTED = new ConcurrentHashMap<>();

  private TlsPorts() {
  }

  /** From now on, {@code port} speaks TLS with a certificate that {@code certificate} (PEM) vouches for. */
  static void register(int port, Path certificate) {
    TRUSTED.put(port, certificate);
  }

  static void forget(int port) {
    TRUSTED.remove(port);
  }

  /** What a client trusts at {@code port}; empty when the port is plain. */
  static Optional<PemTrustOptions> trustAt(int port) {
    return Optional.ofNullable(TRUSTED.get(port)).map(cert -> new PemTrustOptions().addCertPath(cert.toString()));
  }

  /** {@code options}, speaking TLS when {@code port} does. */
  static <T extends ClientOptionsBase> T forPort(int port, T options) {
    trustAt(port).ifPresent(trust -> options.setSsl(true).setTrustOptions(trust));
    return options;
  }
}
