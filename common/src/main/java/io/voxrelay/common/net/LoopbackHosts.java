package io.voxrelay.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Whether a URL's host names this machine's loopback, decided without any DNS lookup. */
public final class LoopbackHosts {

  private LoopbackHosts() {
  }

  /** {@code localhost}, or a loopback IP literal ({@code 127.0.0.0/8}, {@code ::1}, bracketed or not). */
  public static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost")) {
      return true;
    }
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(name);
    if (literal == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
