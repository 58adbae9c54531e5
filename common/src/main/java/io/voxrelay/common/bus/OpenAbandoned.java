package io.voxrelay.common.bus;

/**
 * Published to every relay ({@link Addresses#RELAY_OPEN_ABANDONED}): the gateway gave up waiting for the
 * upstream it asked {@code connectionId} be opened for, so that client never got it. The relay opening it
 * closes it at once (or as soon as it opens), with no detach grace, and gives its claim back.
 */
public record OpenAbandoned(String sessionId, String connectionId) {
}
