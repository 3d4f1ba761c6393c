package org.openbell.signaling;

import java.time.Instant;

/** An owner answers a ring (the owner is known from the topic, never from the payload). */
public record RingAnswer(String deviceId, String ringId, Instant at) implements Message {

    public RingAnswer {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.RING_ANSWER;
    }
}
