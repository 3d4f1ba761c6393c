package org.openbell.signaling;

import java.time.Instant;

/** An owner declines a ring: it ends for everyone. */
public record RingDecline(String deviceId, String ringId, Instant at) implements Message {

    public RingDecline {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.RING_DECLINE;
    }
}
