package org.openbell.signaling;

import java.util.Optional;

/** The message types of protocol v1 and their wire names. */
public enum MessageType implements WireEnum {
    PRESENCE, RING, RING_ENDED, RING_ANSWER, RING_DECLINE, OFFER, ANSWER, CANDIDATE, HANGUP, CALL_STATE,
    PUSH_KEY, PUSH_SUBSCRIBE, PUSH_UNSUBSCRIBE, PUSH_STATUS;

    public static Optional<MessageType> fromWireName(String name) {
        return WireEnum.parse(MessageType.class, name);
    }
}
