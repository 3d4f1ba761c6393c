package org.openbell.media.channel;

/** Why a call ended, as the worker channel names it (the same words as the protocol's hangup reasons). */
public enum EndReason {
    NORMAL("normal"),
    TIMEOUT("timeout"),
    MEDIA_FAILED("media-failed");

    private final String wire;

    EndReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static EndReason fromWire(String wire) {
        for (EndReason r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        throw new WorkerChannelException("unknown end reason '" + Checks.quoted(wire) + "'");
    }
}
