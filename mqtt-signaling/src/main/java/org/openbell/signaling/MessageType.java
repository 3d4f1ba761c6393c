package org.openbell.signaling;

import java.util.Optional;

/** The message types of protocol v1 and their wire names. */
public enum MessageType {
    PRESENCE("presence"),
    RING("ring"),
    RING_ENDED("ring-ended"),
    RING_ANSWER("ring-answer"),
    RING_DECLINE("ring-decline"),
    OFFER("offer"),
    ANSWER("answer"),
    CANDIDATE("candidate"),
    HANGUP("hangup"),
    CALL_STATE("call-state");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<MessageType> fromWireName(String name) {
        for (MessageType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
