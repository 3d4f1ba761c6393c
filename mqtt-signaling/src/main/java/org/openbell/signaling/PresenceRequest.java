package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks the doorbell for what it keeps retained (revision 1.4, "Presence"): its
 * {@code presence}, {@code push-key} and {@code capabilities}, sent again to this owner alone, live.
 * On a clustered broker whose retained store is per node (RabbitMQ), an owner on another node than
 * the doorbell's would otherwise never learn that the doorbell is online.
 */
public record PresenceRequest(String deviceId, Instant at) implements Message {

    public PresenceRequest {
        Ids.requireValid("deviceId", deviceId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PRESENCE_REQUEST;
    }
}
