package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks the doorbell to open the door (revision 1.3, "The door"): one pulse of the door
 * strike's relay; the device answers with {@link DoorStatus} naming {@code requestId}.
 */
public record DoorOpen(String deviceId, String requestId, Instant at) implements Message {

    public DoorOpen {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.DOOR_OPEN;
    }
}
