package org.openbell.signaling;

import java.time.Instant;
import java.util.List;

/**
 * What a doorbell offers its owners beyond ringing and calls (revision 1.4): whether a door strike
 * is wired ({@code door}), whether a motion sensor is ({@code motion}), and which quick replies it can play. Retained on the doorbell's
 * {@code capabilities} topic, so an app (even one not served by the doorbell) knows what to show.
 */
public record Capabilities(String deviceId, boolean door, boolean motion, List<QuickReply> replies, Instant at) implements Message {

    public static final int MAX_REPLIES = 12;

    public Capabilities {
        Ids.requireValid("deviceId", deviceId);
        replies = List.copyOf(replies);
        if (replies.size() > MAX_REPLIES) {
            throw new IllegalArgumentException("at most " + MAX_REPLIES + " replies");
        }
        if (replies.stream().map(QuickReply::replyId).distinct().count() != replies.size()) {
            throw new IllegalArgumentException("reply ids must differ");
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.CAPABILITIES;
    }
}
