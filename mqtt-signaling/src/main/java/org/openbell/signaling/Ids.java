package org.openbell.signaling;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Identifiers of doorbells, owners and rings: {@code [A-Za-z0-9_-]{1,64}}, safe as a topic level. */
public final class Ids {

    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** Returns {@code value} if valid, else throws an {@link IllegalArgumentException} naming {@code field}. */
    public static String requireValid(String field, String value) {
        if (!isValid(value)) {
            throw new IllegalArgumentException(field + " must match " + PATTERN.pattern() + ", was "
                    + (value == null ? "null" : "\"" + abbreviate(value) + "\""));
        }
        return value;
    }

    /** A fresh ring id: 'r' and 120 random bits, URL-safe. */
    public static String newRingId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return "r" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A fresh call session id: 's' and 120 random bits, URL-safe. */
    public static String newSessionId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return "s" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String abbreviate(String s) {
        return LogSafe.text(s.length() > 80 ? s.substring(0, 80) + "..." : s);
    }
}
