package org.openbell.signaling;

import java.time.Instant;

/** The owner's SDP answer to the device's offer. */
public record Answer(String deviceId, String sessionId, String sdp, Instant at) implements CallMessage {

    public Answer {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Sdp.require("sdp", sdp, Sdp.isValid(sdp));
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.ANSWER;
    }
}
