package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What became of an owner's {@link DoorOpen}: {@code opened}, or {@code refused} with a reason. */
public record DoorStatus(String deviceId, String requestId, State state, Optional<Reason> reason, Instant at) implements Message {

    public enum State implements WireEnum {
        OPENED, REFUSED
    }

    public enum Reason implements WireEnum {
        /** This doorbell has no door strike wired. */
        NO_STRIKE,
        /** The door was opened a moment ago (rate limit). */
        TOO_SOON,
        /** The sender is not (or no longer) a paired owner. */
        NOT_PAIRED
    }

    public DoorStatus {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if ((state == State.REFUSED) != reason.isPresent()) {
            throw new IllegalArgumentException("a reason is given exactly when the door was refused");
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.DOOR_STATUS;
    }
}
