package org.openbell.media.channel;

import java.util.Locale;

/** A peer connection's state, as the W3C {@code RTCPeerConnectionState} names it. */
public enum MediaState {
    NEW, CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MediaState fromWire(String wire) {
        for (MediaState s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        throw new WorkerChannelException("unknown media state '" + Checks.quoted(wire) + "'");
    }
}
