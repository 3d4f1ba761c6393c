package org.openbell.signaling;

/**
 * Makes text that a client controls safe to put in a log line: control characters (newlines
 * above all, which would forge a line) and other invisible or bidirectional-override characters
 * become {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}, a backslash becomes {@code \\}, and
 * anything over {@link #MAX} characters is cut with a note of its length.
 */
public final class LogSafe {

    public static final int MAX = 200;

    private LogSafe() {
    }

    public static String text(CharSequence raw) {
        return text(raw, MAX);
    }

    /** As {@link #text(CharSequence)}, cut after {@code max} characters. */
    public static String text(CharSequence raw, int max) {
        if (raw == null) {
            return "null";
        }
        int length = raw.length();
        int shown = Math.min(length, max);
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029
                            || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || Character.isSurrogate(c)
                            && !(Character.isHighSurrogate(c) && i + 1 < shown && Character.isLowSurrogate(raw.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(raw.charAt(i - 1)))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (length > shown) {
            out.append("...(").append(length).append(" characters)");
        }
        return out.toString();
    }
}
