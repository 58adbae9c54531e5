package io.voxrelay.gateway;

import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a request really comes from. The peer of the TCP connection, unless that peer is a trusted proxy
 * ({@code VOXRELAY_TRUSTED_PROXIES}): then the forwarding headers are read from the right, and the first
 * address that is not a trusted proxy is the client (the left part of a header is whatever the client wrote,
 * so it is never believed). Only IP literals count in the headers; a proxy given by name is trusted at the
 * addresses its name resolves to ({@link TrustedProxies}).
 */
final class ClientAddresses {

  private final TrustedProxies trusted;

  private ClientAddresses(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** From {@code VOXRELAY_TRUSTED_PROXIES}'s entries ({@link TrustedProxies#parse}); a bad entry is refused at start. */
  static ClientAddresses trusting(List<String> proxies) {
    return new ClientAddresses(TrustedProxies.parse(proxies));
  }

  /** The trusted proxies, whose names the gateway looks up again from time to time. */
  TrustedProxies trusted() {
    return trusted;
  }

  /** The client's address: {@code "unknown"} when the peer is unknown. */
  String clientOf(SocketAddress peer, MultiMap headers) {
    String address = peer == null ? null : peer.hostAddress();
    if (address == null) {
      return "unknown";
    }
    if (!isTrusted(address)) {
      return address;
    }
    List<String> hops = forwardedHops(headers);
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
        // Not an address (a proxy that wrote "unknown", or the client's own text): stop believing here.
        return address;
      }
      if (!isTrusted(hop)) {
        return hop;
      }
      address = hop;
    }
    return address;
  }

  private boolean isTrusted(String address) {
    return trusted.contains(address);
  }

  /** The addresses of {@code X-Forwarded-For}, else of {@code Forwarded}'s {@code for=}, left to right. */
  private static List<String> forwardedHops(MultiMap headers) {
    List<String> hops = new ArrayList<>();
    List<String> xff = headers.getAll("X-Forwarded-For");
    if (!xff.isEmpty()) {
      for (String header : xff) {
        for (String hop : header.split(",")) {
          hops.add(hop.trim());
        }
      }
      return hops;
    }
    for (String header : headers.getAll("Forwarded")) {
      for (String element : header.split(",")) {
        for (String pair : element.split(";")) {
          String trimmed = pair.trim();
          if (trimmed.regionMatches(true, 0, "for=", 0, 4)) {
            hops.add(unquote(trimmed.substring(4)));
          }
        }
      }
    }
    return hops;
  }

  /** {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1}; {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
  private static String unquote(String value) {
    String v = value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
        ? value.substring(1, value.length() - 1) : value;
    if (v.startsWith("[")) {
      int end = v.indexOf(']');
      return end > 0 ? v.substring(1, end) : v;
    }
    int colon = v.indexOf(':');
    return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
  }
}
