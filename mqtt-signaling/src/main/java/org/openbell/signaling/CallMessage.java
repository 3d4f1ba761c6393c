package org.openbell.signaling;

/**
 * The WebRTC call signaling of protocol v1 (docs/protocol.md, "Calls"): every message belongs to
 * one call session, named by {@code sessionId}.
 */
public sealed interface CallMessage extends Message permits Offer, Answer, Candidate, Hangup, CallState, LiveRequest {

    String sessionId();
}
