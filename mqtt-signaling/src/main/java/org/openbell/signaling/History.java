package org.openbell.signaling;

import java.time.Instant;
import java.util.List;

/**
 * The doorbell's visit history, newest first (at most {@link #MAX_VISITS}), for the owner whose
 * {@link HistoryRequest} or {@link HistoryDelete} named {@code requestId}.
 */
public record History(String deviceId, String requestId, List<Visit> visits, Instant at) implements Message {

    public static final int MAX_VISITS = 200;

    public History {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        visits = List.copyOf(visits);
        if (visits.size() > MAX_VISITS) {
            throw new IllegalArgumentException("at most " + MAX_VISITS + " visits, got " + visits.size());
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.HISTORY;
    }
}
