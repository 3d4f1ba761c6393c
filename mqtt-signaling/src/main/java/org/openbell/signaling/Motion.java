package org.openbell.signaling;

import java.time.Instant;

/**
 * Someone is at the door before (or without) pressing: the doorbell's motion sensor saw them
 * (revision 1.4, "Motion"). Never a ring: apps show it quietly, and push it only to owners who
 * asked ({@link MotionAlerts}).
 */
public record Motion(String deviceId, Instant at) implements Message {

    public Motion {
        Ids.requireValid("deviceId", deviceId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.MOTION;
    }
}
