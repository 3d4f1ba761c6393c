package org.openbell.signaling;

/** Why a payload was rejected; the wire names are those of docs/protocol.md and the test vectors. */
public enum ErrorCode {
    TOO_LARGE("too-large"),
    MALFORMED("malformed"),
    MISSING_FIELD("missing-field"),
    UNSUPPORTED_VERSION("unsupported-version"),
    UNKNOWN_TYPE("unknown-type"),
    UNKNOWN_FIELD("unknown-field"),
    INVALID_FIELD("invalid-field");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
