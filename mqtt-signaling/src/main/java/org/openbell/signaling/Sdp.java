package org.openbell.signaling;

/** Shape checks for the WebRTC texts carried by call messages (the peers parse them fully). */
public final class Sdp {

    /** Largest SDP accepted; libwebrtc offers with H.264 and VP8 are about 5-7 KB. */
    public static final int MAX_CHARS = 32768;
    public static final int MAX_CANDIDATE_CHARS = 1024;

    private Sdp() {
    }

    public static boolean isValid(String sdp) {
        return sdp != null && sdp.startsWith("v=0") && sdp.length() <= MAX_CHARS && sdp.indexOf('\u0000') < 0;
    }

    /** An ICE candidate attribute value as in RTCIceCandidate.candidate: {@code candidate:...}, one line. */
    public static boolean isCandidateLine(String line) {
        return line != null && line.startsWith("candidate:") && line.length() <= MAX_CANDIDATE_CHARS
                && line.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** A media id (sdpMid): 1-64 printable ASCII characters without spaces. */
    public static boolean isToken(String token) {
        return token != null && !token.isEmpty() && token.length() <= 64 && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    static String require(String field, String value, boolean valid) {
        if (!valid) {
            throw new IllegalArgumentException(field + " is not valid: " + (value == null ? "null"
                    : "\"" + Ids.abbreviate(value) + "\""));
        }
        return value;
    }
}
