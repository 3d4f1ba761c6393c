package org.openbell.signaling;

/** Why a payload was rejected; the wire names are those of docs/protocol.md and the test vectors. */
public enum ErrorCode implements WireEnum {
    TOO_LARGE, MALFORMED, MISSING_FIELD, UNSUPPORTED_VERSION, UNKNOWN_TYPE, UNKNOWN_FIELD, INVALID_FIELD
}
