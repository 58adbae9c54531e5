package io.voxrelay.common.bus;

/**
 * The answer to {@link WithdrawControls}: {@code withdrawn} false when the session processed another client
 * message after or among them (taking them back would change the order the client sent), and nothing changed.
 */
public record ControlsWithdrawn(boolean withdrawn) {
}
