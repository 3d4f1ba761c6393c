package org.openbell.agent.replies;

import java.util.Objects;
import org.openbell.signaling.QuickReply;

/** One quick reply the doorbell can play: what owners see ({@link QuickReply}), its sound, and where it came from. */
public record ReplySound(QuickReply reply, WavSound sound, String source) {

    public ReplySound {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(sound, "sound");
        Objects.requireNonNull(source, "source");
    }

    public String id() {
        return reply.replyId();
    }
}
