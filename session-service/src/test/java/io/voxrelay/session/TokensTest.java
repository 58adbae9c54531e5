package io.voxrelay.session;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Client tokens")
class TokensTest {

  @Test
  @DisplayName("carry 256 random bits and never repeat")
  void randomAndLong() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String token = Tokens.newToken();
      assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
      assertThat(seen.add(token)).isTrue();
    }
  }

  @Test
  @DisplayName("are stored as a hash that matches only the token itself")
  void hashing() {
    String token = Tokens.newToken();
    String hash = Tokens.hash(token);
    assertThat(hash).doesNotContain(token).hasSize(64);
    assertThat(Tokens.matches(token, hash)).isTrue();
    assertThat(Tokens.matches(token + "x", hash)).isFalse();
    assertThat(Tokens.matches(Tokens.newToken(), hash)).isFalse();
    assertThat(Tokens.matches(null, hash)).isFalse();
    assertThat(Tokens.matches(token, null)).isFalse();
  }
}
