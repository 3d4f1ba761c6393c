package org.openbell.media.channel;

/** The field rules of the worker channel's records (a bad value is a {@link WorkerChannelException}). */
final class Checks {

    static final int MAX_SESSION = 64;
    static final int MAX_SDP = 64 * 1024;
    static final int MAX_MESSAGE = 2000;

    private Checks() {
    }

    static void session(String session) {
        text("session", session, MAX_SESSION);
    }

    static void sdp(String sdp) {
        if (sdp == null || sdp.isEmpty() || sdp.length() > MAX_SDP) {
            throw new WorkerChannelException("sdp must be 1-" + MAX_SDP + " characters");
        }
    }

    /** 1..max characters, none of them a control character. */
    static void text(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new WorkerChannelException(field + " must be 1-" + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new WorkerChannelException(field + " holds a control character");
            }
        }
    }

    static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new WorkerChannelException(field + " must be at least " + min + ", got " + value);
        }
    }

    static void atMost(String field, long value, long max) {
        if (value > max) {
            throw new WorkerChannelException(field + " must be at most " + max + ", got " + value);
        }
    }

    /** {@code text} cut to 80 characters, control characters and quotes escaped: safe in a log line. */
    static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 80; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 80 ? out + "..." : out.toString();
    }
}
