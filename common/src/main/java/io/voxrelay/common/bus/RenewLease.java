package io.voxrelay.common.bus;

/**
 * A relay node's lease renewal, sent once a second to {@link Addresses#SESSION_RELAY_LEASE}: the node is alive,
 * and its claims hold, for as long as the lease the answer ({@link LeaseGrant}) gives it.
 *
 * @param relayNode the relay instance's node id
 * @param leaseId   the lease it holds now (0: none yet)
 */
public record RenewLease(String relayNode, long leaseId) {
}
