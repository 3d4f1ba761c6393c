package org.openbell.media.channel;

/** An ICE candidate line ({@code candidate:...}) and the media section it belongs to. */
public record WorkerCandidate(String candidate, String sdpMid, int sdpMLineIndex) {

    public WorkerCandidate {
        Checks.text("candidate", candidate, 1024);
        Checks.text("sdpMid", sdpMid, 256);
        Checks.atLeast("sdpMLineIndex", sdpMLineIndex, 0);
        Checks.atMost("sdpMLineIndex", sdpMLineIndex, 255);
    }
}
