package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;

/** The device reports where a call session is: connecting, connected (media flows) or ended. */
public record CallState(String deviceId, String sessionId, State state, Instant at) implements CallMessage {

    public enum State implements WireEnum { CONNECTING, CONNECTED, ENDED }

    public CallState {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Objects.requireNonNull(state, "state");
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.CALL_STATE;
    }
}
