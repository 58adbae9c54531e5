package io.voxrelay.common.bus;

/**
 * The session service's answer to {@link RenewLease}.
 *
 * @param leaseId   the lease the relay holds now
 * @param ttlMs     how long it runs, counted by the relay from when it sent the renewal
 * @param continued true when this is the lease the relay named, renewed before it ran out: every claim the relay
 *                  made under it still holds. False for a new lease (the named one ran out, or was never granted):
 *                  another relay may have taken any of its sessions meanwhile, so the relay acts on none of them
 *                  until it has checked its claims ({@link CheckClaims})
 */
public record LeaseGrant(long leaseId, long ttlMs, boolean continued) {
}
