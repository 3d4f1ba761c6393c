package org.openbell.signaling;

import java.util.List;
import java.time.Instant;

/**
 * The device's SDP offer for a call session (the device is always the offerer), sent to the owner
 * who answered, with the STUN/TURN servers (and this call's TURN credentials) the owner should use.
 */
public record Offer(String deviceId, String sessionId, String ringId, String sdp, Instant at, List<IceServer> iceServers)
        implements CallMessage {

    public Offer(String deviceId, String sessionId, String ringId, String sdp, Instant at) {
        this(deviceId, sessionId, ringId, sdp, at, List.of());
    }

    public Offer {
        iceServers = List.copyOf(iceServers);
        if (iceServers.size() > IceServer.MAX_SERVERS) {
            throw new IllegalArgumentException("at most " + IceServer.MAX_SERVERS + " iceServers");
        }
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Ids.requireValid("ringId", ringId);
        Sdp.require("sdp", sdp, Sdp.isValid(sdp));
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.OFFER;
    }
}
