package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One ring in a doorbell's visit history: when it was pressed ({@code at}, the device's clock),
 * how many times, and how it ended ({@code by}: the owner who answered or declined it).
 */
public record Visit(String ringId, Instant at, int presses, RingEnded.Outcome outcome, Optional<String> by) {

    public Visit {
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
        if (presses < 1) {
            throw new IllegalArgumentException("presses must be at least 1, was " + presses);
        }
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(by, "by");
        by.ifPresent(owner -> Ids.requireValid("by", owner));
        if (outcome.hasOwner() != by.isPresent()) {
            throw new IllegalArgumentException("by is given exactly when an owner ended the ring (answered, declined)");
        }
    }
}
