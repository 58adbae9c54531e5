package io.voxrelay.common.config;

import java.net.URI;
import java.util.Optional;

/** The app backend's URLs in configuration (webhooks, tools): read and checked alike. */
final class BackendUrls {

  private BackendUrls() {
  }

  /** The URL in {@code name}, if set. */
  static Optional<URI> read(Env env, String name) {
    return env.optional(name).filter(v -> !v.isBlank()).map(v -> {
      try {
        return URI.create(v.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " is not a URL");
      }
    });
  }

  /** Refuses a URL that is not http(s), or one set without the secret its requests are signed with. */
  static void check(Optional<URI> url, Optional<Secret> secret, String name, String secretName) {
    if (url.isPresent() && secret.isEmpty()) {
      throw new IllegalArgumentException(name + " is set without " + secretName + ": its requests are always signed");
    }
    url.ifPresent(u -> {
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an http or https URL");
      }
    });
  }
}
