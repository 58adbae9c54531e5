package io.voxrelay.gateway;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose forwarding headers are believed ({@code VOXRELAY_TRUSTED_PROXIES}): IPs, CIDRs, and
 * host names. A name (the compose deployment's {@code lb}) stands for the addresses it resolves to, looked up
 * on a worker at start and every {@link #REFRESH_MS} after; a name that has never resolved trusts nothing, and
 * one that stops resolving keeps its last answer (a DNS hiccup must not turn every client into the proxy).
 */
final class TrustedProxies {

  private static final Logger LOG = LoggerFactory.getLogger(TrustedProxies.class);
  /** How often names are looked up again (the JVM caches an answer for 30 s on top of this). */
  static final long REFRESH_MS = 10_000;
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*");

  /** How a name becomes addresses; blocking, so it runs on a worker. */
  interface Resolver {
    List<byte[]> lookup(String name) throws UnknownHostException;
  }

  static final Resolver DNS = name -> {
    List<byte[]> found = new ArrayList<>();
    for (InetAddress address : InetAddress.getAllByName(name)) {
      found.add(address.getAddress());
    }
    return found;
  };

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

  private final List<Cidr> cidrs;
  private final List<String> names;
  /** Each name's last answer; replaced whole, read by any thread. */
  private volatile Map<String, List<Cidr>> resolved = Map.of();
  private final AtomicBoolean lookingUp = new AtomicBoolean();
  /** The names whose last lookup failed: each is warned about once per failure, not once per lookup. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  private TrustedProxies(List<Cidr> cidrs, List<String> names) {
    this.cidrs = cidrs;
    this.names = names;
  }

  /** From IPs, CIDRs ({@code 10.0.0.0/8}, {@code ::1}) and host names; anything else is refused at start. */
  static TrustedProxies parse(List<String> entries) {
    List<Cidr> cidrs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String spec : entries) {
      int slash = spec.indexOf('/');
      byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? spec : spec.substring(0, slash));
      if (network == null) {
        if (slash < 0 && HOST_NAME.matcher(spec).matches() && !spec.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
          names.add(spec);
          continue;
        }
        throw new IllegalArgumentException("VOXRELAY_TRUSTED_PROXIES: '" + spec + "' is not an IP, a CIDR or a host name");
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
      cidrs.add(new Cidr(network, prefix));
    }
    return new TrustedProxies(List.copyOf(cidrs), List.copyOf(names));
  }

  /** Whether any entry is a host name (then {@link #refresh} has work to do). */
  boolean hasNames() {
    return !names.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is a trusted proxy's; anything else is not. */
  boolean contains(String address) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return false;
    }
    for (Cidr cidr : cidrs) {
      if (cidr.contains(bytes)) {
        return true;
      }
    }
    for (List<Cidr> addresses : resolved.values()) {
      for (Cidr cidr : addresses) {
        if (cidr.contains(bytes)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Looks every name up again on a worker; completes when done (a lookup already under way is not doubled).
   * Never fails: a name that does not resolve is logged and keeps its last answer.
   */
  Future<Void> refresh(Vertx vertx, Resolver resolver) {
    if (names.isEmpty() || !lookingUp.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      Map<String, List<Cidr>> next = new LinkedHashMap<>(resolved);
      for (String name : names) {
        try {
          List<Cidr> addresses = new ArrayList<>();
          for (byte[] address : resolver.lookup(name)) {
            addresses.add(new Cidr(address, address.length * 8));
          }
          next.put(name, List.copyOf(addresses));
          failing.remove(name);
        } catch (UnknownHostException | RuntimeException e) {
          if (failing.add(name)) {
            LOG.warn("[Gateway] Trusted proxy {} did not resolve ({}); {}", name, e.getClass().getSimpleName(),
                next.containsKey(name) ? "keeping its last addresses" : "it is not trusted until it does");
          }
        }
      }
      resolved = Map.copyOf(next);
      return null;
    }, false).eventually(() -> {
      lookingUp.set(false);
      return Future.succeededFuture();
    }).otherwiseEmpty();
  }
}
