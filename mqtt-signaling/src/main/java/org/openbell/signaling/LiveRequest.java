package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks to see the door now, without a ring (protocol 1.2, "Live view"): the device calls
 * them on {@code sessionId}, which the owner chose, with an offer that has no {@code ringId}. The
 * same request during that live view renews it.
 */
public record LiveRequest(String deviceId, String sessionId, Instant at) implements CallMessage {

    public LiveRequest {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.LIVE_REQUEST;
    }
}
