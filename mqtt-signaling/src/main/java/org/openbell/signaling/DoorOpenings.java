package org.openbell.signaling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The door openings the doorbell keeps, newest first (revision 1.4, "The door"): sent to an owner
 * right after each {@link History} reply, naming the same {@code requestId}, so the app shows them
 * in the visit history. A log, not a history an owner may delete from.
 */
public record DoorOpenings(String deviceId, String requestId, List<Opening> openings, Instant at) implements Message {

    public static final int MAX_OPENINGS = 200;

    /** How the door was opened: from an owner's app, or by Home Assistant. */
    public enum Via implements WireEnum {
        APP, HOME_ASSISTANT
    }

    /** One opening: when (the device's clock), by whom (an owner id, or Home Assistant's name), how. */
    public record Opening(Instant at, String by, Via via) {
        public Opening {
            at = Times.require("at", at);
            Ids.requireValid("by", by);
            Objects.requireNonNull(via, "via");
        }
    }

    public DoorOpenings {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        openings = List.copyOf(openings);
        if (openings.size() > MAX_OPENINGS) {
            throw new IllegalArgumentException("at most " + MAX_OPENINGS + " openings");
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.DOOR_OPENINGS;
    }
}
