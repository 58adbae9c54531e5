package io.voxrelay.common.bus;

/**
 * Published to every relay ({@link Addresses#RELAY_OPEN_ABANDONED}): the gateway gave up waiting for the
 * upstream it asked {@code connectionId} be opened (or re-attached) for.
 *
 * @param detach false when that client never got {@code connected}: the relay opening it closes it at once (or as
 *               soon as it opens), with no detach grace, and gives its claim back. True when the client was
 *               connected already (a resume, a takeover): the relay keeps the upstream for the detach grace, as
 *               for any client that left, so a retry finds it
 */
public record OpenAbandoned(String sessionId, String connectionId, boolean detach) {
}
