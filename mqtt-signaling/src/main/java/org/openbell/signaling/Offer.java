package org.openbell.signaling;

import java.time.Instant;

/** The device's SDP offer for a call session (the device is always the offerer), sent to the owner who answered. */
public record Offer(String deviceId, String sessionId, String ringId, String sdp, Instant at) implements CallMessage {

    public Offer {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Ids.requireValid("ringId", ringId);
        Sdp.require("sdp", sdp, Sdp.isValid(sdp));
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.OFFER;
    }
}
