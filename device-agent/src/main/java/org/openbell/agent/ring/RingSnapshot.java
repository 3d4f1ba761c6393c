package org.openbell.agent.ring;

import java.time.Instant;
import java.util.Optional;
import org.openbell.signaling.RingEnded;

/**
 * An immutable view of the controller, safe to read from any thread.
 *
 * @param state     the current state
 * @param ringId    the current ring, while one is in progress
 * @param presses   presses accepted during the current ring
 * @param lastEnded how the previous ring ended, if any ring ended yet
 */
public record RingSnapshot(RingState state, Optional<String> ringId, int presses, Optional<RingEnded> lastEnded,
        Optional<Instant> ringStartedAt) {

    static RingSnapshot idle() {
        return new RingSnapshot(RingState.IDLE, Optional.empty(), 0, Optional.empty(), Optional.empty());
    }
}
