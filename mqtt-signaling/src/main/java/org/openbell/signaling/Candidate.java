package org.openbell.signaling;

import java.time.Instant;

/** A trickled ICE candidate, either way; fields as in the browser's RTCIceCandidateInit. */
public record Candidate(String deviceId, String sessionId, String candidate, String sdpMid, int sdpMLineIndex, Instant at)
        implements CallMessage {

    public Candidate {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("sessionId", sessionId);
        Sdp.require("candidate", candidate, Sdp.isCandidateLine(candidate));
        Sdp.require("sdpMid", sdpMid, Sdp.isToken(sdpMid));
        if (sdpMLineIndex < 0 || sdpMLineIndex > 255) {
            throw new IllegalArgumentException("sdpMLineIndex must be from 0 to 255, was " + sdpMLineIndex);
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.CANDIDATE;
    }
}
