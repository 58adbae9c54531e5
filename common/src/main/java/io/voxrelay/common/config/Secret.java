package io.voxrelay.common.config;

import java.util.Optional;

/**
 * A credential read from configuration. Its {@code toString} never reveals the value, so a config record
 * can be logged whole without leaking the key.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Optional<Secret> of(Optional<String> value) {
    return value.map(Secret::new);
  }

  /** The raw value: only for the one place that must send it (an Authorization header, a constant-time check). */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
