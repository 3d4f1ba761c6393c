package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner's phone asks for rings by Web Push: its push subscription as the browser gave it
 * ({@code endpoint}, {@code keys.p256dh}, {@code keys.auth}). The owner is known from the topic.
 */
public record PushSubscribe(String deviceId, String endpoint, String p256dh, String auth, Instant at) implements Message {

    public PushSubscribe {
        Ids.requireValid("deviceId", deviceId);
        PushFormats.requireEndpoint(endpoint);
        PushFormats.requireP256Key("p256dh", p256dh);
        PushFormats.requireAuthSecret(auth);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH_SUBSCRIBE;
    }

    @Override
    public String toString() {
        return "PushSubscribe[" + deviceId + ", " + LogSafe.text(endpoint, 80) + "]";
    }
}
