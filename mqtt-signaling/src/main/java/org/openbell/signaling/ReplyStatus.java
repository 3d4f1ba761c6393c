package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What became of an owner's {@link ReplyPlay}: {@code playing}, or {@code refused} with a reason. */
public record ReplyStatus(String deviceId, String requestId, String replyId, State state, Optional<Reason> reason, Instant at)
        implements Message {

    public enum State implements WireEnum {
        PLAYING, REFUSED
    }

    public enum Reason implements WireEnum {
        /** The doorbell has no quick reply of that id. */
        UNKNOWN_REPLY,
        /** The doorbell has no speaker to play it on ({@code media.audio: headless}, or the sound server is gone). */
        NO_SPEAKER,
        /** Replies came faster than the doorbell plays them (rate limit). */
        TOO_SOON,
        /** The sender is not (or no longer) a paired owner. */
        NOT_PAIRED
    }

    public ReplyStatus {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("requestId", requestId);
        Ids.requireValid("replyId", replyId);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if ((state == State.REFUSED) != reason.isPresent()) {
            throw new IllegalArgumentException("a reason is given exactly when the reply was refused");
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.REPLY_STATUS;
    }
}
