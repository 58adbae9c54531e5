package io.voxrelay.common.bus;

/**
 * A gateway's question to {@link Addresses#SESSION_LIVE_RELAYS}: which relay nodes hold a valid lease now. The
 * answer is {@link LiveRelays}.
 */
public record FindLiveRelays() {
}
