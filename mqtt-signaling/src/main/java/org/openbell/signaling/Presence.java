package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;

/** The doorbell is online or offline; retained, and the device's Last Will. */
public record Presence(String deviceId, State state, Instant at) implements Message {

    public enum State implements WireEnum { ONLINE, OFFLINE }

    public Presence {
        Ids.requireValid("deviceId", deviceId);
        Objects.requireNonNull(state, "state");
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PRESENCE;
    }
}
