package org.openbell.signaling;

import java.util.Objects;

/**
 * One quick reply a doorbell can play ({@link Capabilities}): its id and the label an owner's app
 * shows (1-{@value #MAX_LABEL} characters, no control characters, not blank).
 */
public record QuickReply(String replyId, String label) {

    public static final int MAX_LABEL = 40;

    public QuickReply {
        Ids.requireValid("replyId", replyId);
        Objects.requireNonNull(label, "label");
        if (!isLabel(label)) {
            throw new IllegalArgumentException("a reply's label must be 1-" + MAX_LABEL + " characters, not blank, without control characters");
        }
    }

    /** Whether {@code text} is a valid label. */
    public static boolean isLabel(String text) {
        int length = text.codePointCount(0, text.length());
        return length >= 1 && length <= MAX_LABEL && !text.isBlank()
                && text.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
    }
}
