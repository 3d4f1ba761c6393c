package org.openbell.signaling;

import java.util.List;
import java.util.Optional;
import java.time.Instant;

/**
 * The device's SDP offer for a call session (the device is always the offerer), sent to the owner
 * who answered a ring ({@code ringId}) or asked for a live view (no {@code ringId}), with the
 * STUN/TURN servers (and this call's TURN credentials) the owner should use.
 */
public record Offer(String deviceId, String sessionId, Optional<String> ringId, String sdp, Instant at, List<IceServer> iceServers)
        implements CallMessage {

    /** An offer for the call that answers ring {@code ringId}. */
    public Offer(String deviceId, String sessionId, String ringId, String sdp, Instant at, List<IceServer> iceServers) {
        this(deviceId, sessionId, Optional.of(ringId), sdp, at, iceServers);
    }

    public Offer(String deviceId, String sessionId, String ringId, String sdp, Instant at) {
        this(deviceId, sessionId, Optional.of(ringId), sdp, at, List.of());
    }

    public Offer {
        iceServers = List.copyOf(iceServers);
        if (iceServers.size() > IceServer.MAX_SERVERS) {
            throw new IllegalArgumentException("at most " + IceServer.MAX_SERVERS + " iceServers");
        }
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        java.util.Objects.requireNonNull(ringId, "ringId").ifPresent(id -> Ids.requireValid("ringId", id));
        Sdp.require("sdp", sdp, Sdp.isValid(sdp));
        at = Times.require("at", at);
    }

    /** Whether this offer is for a live view (asked by the owner, no ring). */
    public boolean liveView() {
        return ringId.isEmpty();
    }

    @Override
    public MessageType type() {
        return MessageType.OFFER;
    }
}
