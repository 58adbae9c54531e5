package io.voxrelay.gateway;

import io.voxrelay.common.net.LoopbackHosts;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages may open a session's WebSocket or post its reports: the gateway's own origin, and either
 * the origins in {@code VOXRELAY_ALLOWED_ORIGINS} ({@code *} for any) or, when it is unset, pages served from
 * localhost. A request without an {@code Origin} header comes from no browser page and is not checked here
 * (tokens and keys guard those).
 */
final class BrowserOrigins {

  private final List<String> allowed;
  private final boolean any;

  private BrowserOrigins(List<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList();
    this.any = allowed.contains("*");
  }

  static BrowserOrigins of(List<String> configured) {
    return new BrowserOrigins(configured);
  }

  /** Whether a page of {@code origin} may go on, at a gateway reached as {@code host} (the Host header). */
  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    if (host != null && (normalized.equals("http://" + host.toLowerCase(Locale.ROOT))
        || normalized.equals("https://" + host.toLowerCase(Locale.ROOT)))) {
      return true;
    }
    if (!allowed.isEmpty()) {
      return allowed.contains(normalized);
    }
    return isLoopbackOrigin(normalized);
  }

  private static boolean isLoopbackOrigin(String origin) {
    try {
      URI uri = new URI(origin);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && LoopbackHosts.isLoopback(uri.getHost());
    } catch (Exception e) {
      return false;
    }
  }
}
