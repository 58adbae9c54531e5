package io.voxrelay.common.bus;

import java.util.List;

/**
 * What a relay's upstreams of one session cost since its last report: the usage of each finished response,
 * by response id, and how long each upstream connection has been open so far. Counted once whatever is sent
 * again (a response by its id; an upstream by its id, keeping the latest {@code untilAt}), and never refused
 * for a lost claim: the upstream was billed all the same. {@code model} is the upstream model that billed it (its
 * prices estimate the cost). The reply is empty.
 */
public record UsageReport(String sessionId, String model, List<ResponseUsage> responses, List<UpstreamTime> upstreams) {

  public UsageReport {
    responses = List.copyOf(responses);
    upstreams = List.copyOf(upstreams);
  }

  /** One finished response's usage. */
  public record ResponseUsage(String responseId, Usage usage) {
  }

  /** One upstream connection, open from {@code openedAt} until at least {@code untilAt} (epoch ms). */
  public record UpstreamTime(String upstreamId, long openedAt, long untilAt) {
  }
}
