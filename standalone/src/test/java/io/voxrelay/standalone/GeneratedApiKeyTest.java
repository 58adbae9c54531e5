package io.voxrelay.standalone;

import io.voxrelay.common.config.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The standalone run's API key")
class GeneratedApiKeyTest {

  @Test
  @DisplayName("with none set, one is made once in the data directory, owner-only, and reused")
  void madeOnceAndReused(@TempDir Path dir) throws Exception {
    Env first = Standalone.withApiKey(new Env(Map.of()), dir);
    String key = first.optional("VOXRELAY_API_KEY").orElseThrow();
    assertThat(key).startsWith("vxr_").hasSizeGreaterThan(40);
    Path file = dir.resolve(GeneratedApiKey.FILE);
    assertThat(Files.readString(file).trim()).isEqualTo(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Standalone.withApiKey(new Env(Map.of()), dir).optional("VOXRELAY_API_KEY")).contains(key);
  }

  @Test
  @DisplayName("a key set is used as it is, and nothing is written")
  void keySetWins(@TempDir Path dir) throws Exception {
    Env env = Standalone.withApiKey(new Env(Map.of("VOXRELAY_API_KEY", "my-own-key-0123456789")), dir);
    assertThat(env.optional("VOXRELAY_API_KEY")).contains("my-own-key-0123456789");
    assertThat(dir.resolve(GeneratedApiKey.FILE)).doesNotExist();
  }

  @Test
  @DisplayName("bound beyond loopback, a made key does not count: the run needs one set on purpose")
  void beyondLoopbackNeedsAKeySet(@TempDir Path dir) {
    assertThatThrownBy(() -> Standalone.withApiKey(new Env(Map.of("VOXRELAY_HTTP_HOST", "0.0.0.0")), dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VOXRELAY_API_KEY");
    assertThat(dir.resolve(GeneratedApiKey.FILE)).doesNotExist();
  }
}
