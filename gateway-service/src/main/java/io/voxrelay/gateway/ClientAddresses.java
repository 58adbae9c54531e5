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
 * so it is never believed). Only IP literals count: nothing here looks a name up.
 */
final class ClientAddresses {

  private record Cidr(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> trusted;

  private ClientAddresses(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  /** From IPs or CIDRs ({@code 10.0.0.0/8}, {@code ::1}); an entry that is neither is refused at start. */
  static ClientAddresses trusting(List<String> proxies) {
    List<Cidr> parsed = new ArrayList<>();
    for (String spec : proxies) {
      int slash = spec.indexOf('/');
      byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? spec : spec.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("VOXRELAY_TRUSTED_PROXIES: '" + spec + "' is not an IP or a CIDR");
      }
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("VOXRELAY_TRUSTED_PROXIES: '" + spec + "' has a bad prefix length");
        }
      }
      parsed.add(new Cidr(network, prefix));
    }
    return new ClientAddresses(List.copyOf(parsed));
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
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return false;
    }
    for (Cidr cidr : trusted) {
      if (cidr.contains(bytes)) {
        return true;
      }
    }
    return false;
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
