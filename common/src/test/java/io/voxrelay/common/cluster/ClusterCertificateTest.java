package io.voxrelay.common.cluster;

import io.voxrelay.common.config.ClusterTls;
import io.voxrelay.common.config.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The cluster certificate and its settings")
class ClusterCertificateTest {

  @Test
  @DisplayName("made once, owner-only, and reused: a second call reads the same key store and password")
  void madeOnceAndReused(@TempDir Path dir) throws Exception {
    ClusterTls first = ClusterCertificate.ensure(dir);
    Path store = first.keyStore().orElseThrow();
    assertThat(store).isEqualTo(dir.resolve(ClusterCertificate.KEY_STORE));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ClusterCertificate.PASSWORD))))
        .isEqualTo("rw-------");
    byte[] bytes = Files.readAllBytes(store);

    ClusterTls second = ClusterCertificate.ensure(dir);
    assertThat(second.password().orElseThrow().reveal()).isEqualTo(first.password().orElseThrow().reveal());
    assertThat(Files.readAllBytes(store)).isEqualTo(bytes);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(ClusterCertificate.KEY_STORE, ClusterCertificate.PASSWORD);
    }

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, first.password().orElseThrow().reveal().toCharArray());
    }
    X509Certificate cert = (X509Certificate) keys.getCertificate("voxrelay-cluster");
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=voxrelay cluster");
    assertThat(keys.isKeyEntry("voxrelay-cluster")).isTrue();
  }

  @Test
  @DisplayName("settings: required by default, off on request, a key store needs its password, nothing else is a mode")
  void settings() {
    ClusterTls none = ClusterTls.fromEnv(new Env(Map.of()));
    assertThat(none.isOff()).isFalse();
    assertThat(none.isConfigured()).isFalse();
    assertThat(ClusterTls.fromEnv(new Env(Map.of("VOXRELAY_CLUSTER_TLS", "off"))).isOff()).isTrue();
    ClusterTls set = ClusterTls.fromEnv(new Env(Map.of("VOXRELAY_CLUSTER_TLS_KEYSTORE", "/etc/voxrelay/bus.p12",
        "VOXRELAY_CLUSTER_TLS_PASSWORD", "pw", "VOXRELAY_CLUSTER_TLS_TRUSTSTORE", "/etc/voxrelay/ca.p12")));
    assertThat(set.isConfigured()).isTrue();
    assertThat(set.trusted()).isEqualTo(Path.of("/etc/voxrelay/ca.p12"));
    assertThat(set.toString()).doesNotContain("pw,").contains("redacted");
    assertThatThrownBy(() -> ClusterTls.fromEnv(new Env(Map.of("VOXRELAY_CLUSTER_TLS_KEYSTORE", "/x.p12"))))
        .hasMessageContaining("VOXRELAY_CLUSTER_TLS_PASSWORD");
    assertThatThrownBy(() -> ClusterTls.fromEnv(new Env(Map.of("VOXRELAY_CLUSTER_TLS", "maybe"))))
        .hasMessageContaining("'maybe'");
  }
}
