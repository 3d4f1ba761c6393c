package org.openbell.signaling;

import java.time.Instant;

/**
 * An owner asks the doorbell to play one of its quick replies on its speaker, without a call
 * (revision 1.4, "Quick replies"); the device answers with {@link ReplyStatus} naming {@code requestId}.
 */
public record ReplyPlay(String deviceId, String requestId, String replyId, Instant at) implements Message {

    public ReplyPlay {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        Ids.requireValid("replyId", replyId);
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.REPLY_PLAY;
    }
}
