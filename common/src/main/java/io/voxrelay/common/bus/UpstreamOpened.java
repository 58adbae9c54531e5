package io.voxrelay.common.bus;

import io.voxrelay.common.protocol.NumberedEvent;

import java.util.List;

/**
 * The relay instance {@code relayNode} holds the upstream of {@code sessionId}.
 *
 * @param transients     the transient events after the open's {@code afterSeq} that this relay still holds
 *                       in its ring, in order; live ones follow
 * @param transientsLost some transient events after {@code afterSeq} are gone (a crashed relay, the ring's
 *                       bound): the client is told with {@code replay.truncated}
 */
public record UpstreamOpened(String sessionId, String relayNode, List<NumberedEvent> transients, boolean transientsLost) {
  public UpstreamOpened {
    transients = transients == null ? List.of() : List.copyOf(transients);
  }
}
