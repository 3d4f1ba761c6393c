package org.openbell.hardware;

import java.time.Instant;

/**
 * An accepted press.
 *
 * @param at       when the button first went down (the first edge, before debounce)
 * @param sequence 1, 2, 3... for accepted presses since the board opened
 */
public record ButtonPress(Instant at, long sequence) {
}
