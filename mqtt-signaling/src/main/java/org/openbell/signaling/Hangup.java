package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;

/** Either side ends a call session. */
public record Hangup(String deviceId, String sessionId, Reason reason, Instant at) implements CallMessage {

    /** Why the call ended. */
    public enum Reason implements WireEnum { NORMAL, MEDIA_FAILED, TIMEOUT, BUSY }

    public Hangup {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Objects.requireNonNull(reason, "reason");
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.HANGUP;
    }
}
