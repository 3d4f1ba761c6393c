package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks for the picture of ring {@code ringId} (revision 1.3, "Pictures"), to show it in
 * the visit history; the device replies with a {@link Snapshot} naming {@code requestId}, or, if it
 * keeps no picture of that ring, with nothing.
 */
public record SnapshotRequest(String deviceId, String requestId, String ringId, Instant at) implements Message {

    public SnapshotRequest {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        Ids.requireValid("ringId", ringId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.SNAPSHOT_REQUEST;
    }
}
