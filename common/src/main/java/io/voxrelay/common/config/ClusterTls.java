package io.voxrelay.common.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Mutual TLS on the event bus: every member holds the cluster's key and certificate and accepts only peers
 * whose certificate its trust store holds, so a process without them can neither send to a member's bus
 * port nor receive from it. Hazelcast's own membership port is not covered (the open-source edition has no
 * TLS); see the Security section of {@code docs/operations.md}.
 *
 * @param mode       {@code required} (the default) or {@code off} ({@code VOXRELAY_CLUSTER_TLS}); off is for a
 *                   private network the operator trusts, and is logged as a warning at start
 * @param keyStore   a PKCS12 file with this member's key and certificate ({@code VOXRELAY_CLUSTER_TLS_KEYSTORE})
 * @param password   the password of both stores ({@code VOXRELAY_CLUSTER_TLS_PASSWORD})
 * @param trustStore a PKCS12 file with the certificates trusted ({@code VOXRELAY_CLUSTER_TLS_TRUSTSTORE}; by
 *                   default the key store itself: one cluster certificate, trusted by every member)
 */
public record ClusterTls(Mode mode, Optional<Path> keyStore, Optional<Secret> password, Optional<Path> trustStore) {

  /** Whether the bus requires TLS. */
  public enum Mode { REQUIRED, OFF }

  public static ClusterTls fromEnv(Env env) {
    String mode = env.string("VOXRELAY_CLUSTER_TLS", "required").trim().toLowerCase(java.util.Locale.ROOT);
    if (!mode.equals("required") && !mode.equals("off")) {
      throw new IllegalArgumentException("VOXRELAY_CLUSTER_TLS must be 'required' or 'off', not '" + mode + "'");
    }
    Optional<Path> keyStore = env.optional("VOXRELAY_CLUSTER_TLS_KEYSTORE").map(Path::of);
    Optional<Secret> password = Secret.of(env.optional("VOXRELAY_CLUSTER_TLS_PASSWORD"));
    if (keyStore.isPresent() && password.isEmpty()) {
      throw new IllegalArgumentException("VOXRELAY_CLUSTER_TLS_KEYSTORE is set without VOXRELAY_CLUSTER_TLS_PASSWORD");
    }
    return new ClusterTls(mode.equals("off") ? Mode.OFF : Mode.REQUIRED, keyStore, password,
        env.optional("VOXRELAY_CLUSTER_TLS_TRUSTSTORE").map(Path::of));
  }

  /** TLS with one key store that is also the trust store. */
  public static ClusterTls of(Path keyStore, Secret password) {
    return new ClusterTls(Mode.REQUIRED, Optional.of(keyStore), Optional.of(password), Optional.empty());
  }

  /** A bus in clear text, for a network the operator trusts. */
  public static ClusterTls off() {
    return new ClusterTls(Mode.OFF, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Whether the bus runs in clear text. */
  public boolean isOff() {
    return mode == Mode.OFF;
  }

  /** Whether a key store is given (TLS can start). */
  public boolean isConfigured() {
    return mode == Mode.REQUIRED && keyStore.isPresent();
  }

  /** The trust store: the one configured, or the key store. */
  public Path trusted() {
    return trustStore.or(() -> keyStore).orElseThrow();
  }

  /**
   * This set-up, when the bus can start with it: TLS off, or a key store given. Otherwise throws
   * {@link IllegalArgumentException} naming what an operator must set.
   */
  public ClusterTls requireUsable() {
    if (mode == Mode.REQUIRED && keyStore.isEmpty()) {
      throw new IllegalArgumentException("the event bus requires a cluster certificate: set "
          + "VOXRELAY_CLUSTER_TLS_KEYSTORE and VOXRELAY_CLUSTER_TLS_PASSWORD (docs/operations.md, Security), or "
          + "VOXRELAY_CLUSTER_TLS=off on a private network you trust");
    }
    return this;
  }
}
