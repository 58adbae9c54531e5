package io.voxrelay.common.bus;

/**
 * A client's control travelling in an {@link EmitEvents} batch from the relay that carries it out: the session
 * service checks it against the stored state ({@link ControlFit}), applies it, numbers its event and moves the
 * session's client cursor, in the batch's one transaction.
 *
 * @param clientSeq    the client's number for it, 0 when it sent none: a number at or below the session's
 *                     cursor was processed already, and the control changes nothing
 * @param connectionId the connection it came on: only the session's live connection may control it
 */
public record ClientControl(Control control, long clientSeq, String connectionId) {
}
