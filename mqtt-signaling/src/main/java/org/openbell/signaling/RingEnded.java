package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A ring is over, for every owner: answered or declined by someone, or timed out. */
public record RingEnded(String deviceId, String ringId, Instant at, Outcome outcome, Optional<String> by) implements Message {

    public enum Outcome implements WireEnum {
        ANSWERED, DECLINED, TIMED_OUT;

        /** True when an owner caused it, so {@code by} is required. */
        public boolean hasOwner() {
            return this != TIMED_OUT;
        }
    }

    public RingEnded {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(by, "by");
        by.ifPresent(owner -> Ids.requireValid("by", owner));
        if (outcome.hasOwner() && by.isEmpty()) {
            throw new IllegalArgumentException("by is required when the outcome is " + outcome.wireName());
        }
        if (!outcome.hasOwner() && by.isPresent()) {
            throw new IllegalArgumentException("by must be absent when the outcome is " + outcome.wireName());
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RING_ENDED;
    }
}
