package org.openbell.signaling;

import java.util.regex.Pattern;

/**
 * The shapes of the Web Push fields of protocol v1 (docs/protocol.md, "Push"): a push service
 * endpoint, a P-256 public key and an auth secret, as a browser's {@code PushSubscription.toJSON()}
 * gives them. Shapes only: whether a key is a point on the curve, and whether the doorbell will
 * send to an endpoint, are the device's checks.
 */
public final class PushFormats {

    public static final int MAX_ENDPOINT_CHARS = 1024;
    /** {@code https://}, a host name or IPv4 address (no user info), an optional port, an optional path. */
    public static final Pattern ENDPOINT = Pattern.compile("https://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(/[\\x21-\\x7e]*)?");
    /** Base64url without padding of a 65-byte uncompressed point (0x04 first, so 'B' first). */
    public static final Pattern P256_KEY = Pattern.compile("B[A-Za-z0-9_-]{86}");
    /** Base64url without padding of 16 bytes. */
    public static final Pattern AUTH_SECRET = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

    private PushFormats() {
    }

    public static boolean isEndpoint(String value) {
        return value != null && value.length() <= MAX_ENDPOINT_CHARS && ENDPOINT.matcher(value).matches();
    }

    public static boolean isP256Key(String value) {
        return value != null && P256_KEY.matcher(value).matches();
    }

    public static boolean isAuthSecret(String value) {
        return value != null && AUTH_SECRET.matcher(value).matches();
    }

    static String requireEndpoint(String value) {
        if (!isEndpoint(value)) {
            throw new IllegalArgumentException("endpoint must be an https URL of at most " + MAX_ENDPOINT_CHARS + " characters");
        }
        return value;
    }

    static String requireP256Key(String field, String value) {
        if (!isP256Key(value)) {
            throw new IllegalArgumentException(field + " must be a P-256 public key: 87 base64url characters, no padding");
        }
        return value;
    }

    static String requireAuthSecret(String value) {
        if (!isAuthSecret(value)) {
            throw new IllegalArgumentException("auth must be 16 bytes in base64url: 22 characters, no padding");
        }
        return value;
    }
}
