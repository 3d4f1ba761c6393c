package org.openbell.signaling;

import java.time.Instant;

/** An owner asks for the doorbell's visit history (revision 1.2, "Visit history"); the device replies with {@link History}. */
public record HistoryRequest(String deviceId, String requestId, Instant at) implements Message {

    public HistoryRequest {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.HISTORY_REQUEST;
    }
}
