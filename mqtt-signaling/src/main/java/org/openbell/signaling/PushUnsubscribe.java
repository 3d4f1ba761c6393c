package org.openbell.signaling;

import java.time.Instant;

/** An owner's phone no longer wants rings by Web Push at {@code endpoint}. */
public record PushUnsubscribe(String deviceId, String endpoint, Instant at) implements Message {

    public PushUnsubscribe {
        Ids.requireValid("deviceId", deviceId);
        PushFormats.requireEndpoint(endpoint);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH_UNSUBSCRIBE;
    }
}
