package org.openbell.signaling;

import java.time.Instant;
import java.util.List;

/** An owner deletes visits from the doorbell's history (1-200 ring ids); the device replies with the {@link History} left. */
public record HistoryDelete(String deviceId, String requestId, List<String> ringIds, Instant at) implements Message {

    public static final int MAX_IDS = 200;

    public HistoryDelete {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        ringIds = List.copyOf(ringIds);
        if (ringIds.isEmpty() || ringIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("ringIds must hold 1-" + MAX_IDS + " ids, held " + ringIds.size());
        }
        ringIds.forEach(id -> Ids.requireValid("ringIds", id));
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.HISTORY_DELETE;
    }
}
