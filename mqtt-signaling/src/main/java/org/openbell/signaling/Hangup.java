package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;

/** Either side ends a call session. */
public record Hangup(String deviceId, String sessionId, Reason reason, Instant at) implements CallMessage {

    /** Why the call ended. */
    public enum Reason {
        NORMAL("normal"), MEDIA_FAILED("media-failed"), TIMEOUT("timeout"), BUSY("busy");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

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
