package org.openbell.signaling;

import java.time.Instant;

/** Someone pressed the button: a ring starts, or is re-notified with more presses. */
public record Ring(String deviceId, String ringId, Instant at, Instant expiresAt, int presses) implements Message {

    public Ring {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
        expiresAt = Times.require("expiresAt", expiresAt);
        if (expiresAt.isBefore(at)) {
            throw new IllegalArgumentException("expiresAt must not be before at");
        }
        if (presses < 1) {
            throw new IllegalArgumentException("presses must be at least 1, was " + presses);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RING;
    }
}
