package org.openbell.signaling;

import java.time.Instant;

/**
 * The doorbell's VAPID public key (RFC 8292), retained on its {@code push-key} topic: an owner app
 * passes it to {@code pushManager.subscribe()} as the {@code applicationServerKey}.
 */
public record PushKey(String deviceId, String key, Instant at) implements Message {

    public PushKey {
        Ids.requireValid("deviceId", deviceId);
        PushFormats.requireP256Key("key", key);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH_KEY;
    }
}
