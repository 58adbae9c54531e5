package io.voxrelay.common.cluster;

import java.util.UUID;

/** Identifiers of running service instances, used in node addresses. */
public final class NodeIds {

  private NodeIds() {
  }

  /** A fresh id for one instance of {@code service}, e.g. {@code gateway-3f2a…}. */
  public static String next(String service) {
    return service + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
