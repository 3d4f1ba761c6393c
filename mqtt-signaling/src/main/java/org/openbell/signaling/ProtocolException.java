package org.openbell.signaling;

import java.nio.charset.StandardCharsets;

/**
 * A payload that is not a valid protocol v1 message. Carries the {@link ErrorCode}, a detail
 * naming the offending field, and the start of the payload (escaped) for the log.
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int PREVIEW_CHARS = 200;

    private final ErrorCode code;
    private final String detail;

    public ProtocolException(ErrorCode code, String detail, byte[] payload) {
        // The detail may quote the payload (a field name, a value): escaped too, so no message of
        // this kind can carry a line break into a log (found by MessageCodecFuzzTest).
        super(code.wireName() + ": " + LogSafe.text(detail)
                + (payload == null ? "" : " (payload " + payload.length + " bytes: " + preview(payload) + ")"));
        this.code = code;
        this.detail = LogSafe.text(detail);
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    /** The first characters of a payload, with control and non-ASCII characters escaped. */
    static String preview(byte[] payload) {
        String text = new String(payload, 0, Math.min(payload.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < PREVIEW_CHARS; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        boolean cut = out.length() >= PREVIEW_CHARS || text.length() < payload.length;
        return "'" + out + (cut ? "'..." : "'");
    }
}
