package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks for (or stops) a quiet notification on their locked phone when the doorbell sees
 * motion (revision 1.4, "Motion"); the doorbell keeps the choice per owner.
 */
public record MotionAlerts(String deviceId, boolean enabled, Instant at) implements Message {

    public MotionAlerts {
        Ids.requireValid("deviceId", deviceId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.MOTION_ALERTS;
    }
}
