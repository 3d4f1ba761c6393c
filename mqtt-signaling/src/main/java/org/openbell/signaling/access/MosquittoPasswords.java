package org.openbell.signaling.access;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Mosquitto 2 password file entries ({@code user:$7$iterations$salt$hash}: PBKDF2-HMAC-SHA512,
 * the format {@code mosquitto_passwd} writes), and new random passwords for broker accounts.
 */
public final class MosquittoPasswords {

    private static final int ITERATIONS = 101; // mosquitto_passwd's default
    private static final int SALT_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verifying a hash costs this many HMACs at most: bounds the work a forged hash can cause. */
    static final int MAX_ITERATIONS = 100_000;
    private static final Pattern HASH = Pattern.compile("\\$7\\$[0-9]{1,6}\\$[A-Za-z0-9+/]{4,64}={0,2}\\$[A-Za-z0-9+/]{20,128}={0,2}");

    private MosquittoPasswords() {
    }

    /** A new password: 24 random bytes, URL-safe base64 (32 characters, 192 bits). */
    public static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** One line of a Mosquitto password file for {@code user}. */
    public static String entry(String user, String password) {
        return entryWithHash(user, hash(password));
    }

    /** One line of a Mosquitto password file for {@code user}, with a hash made earlier by {@link #hash}. */
    public static String entryWithHash(String user, String hash) {
        if (user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("a broker account name cannot contain ':' or a line break: " + user);
        }
        if (!isHash(hash)) {
            throw new IllegalArgumentException("not a Mosquitto $7$ password hash");
        }
        return user + ":" + hash;
    }

    /** A salted {@code $7$iterations$salt$hash} (PBKDF2-HMAC-SHA512) of {@code password}. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return "$7$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /**
     * Whether {@code hash} is a well-formed {@code $7$} hash (and nothing else: no line break or colon
     * that could add a line to the password file), with at most {@link #MAX_ITERATIONS} iterations.
     */
    public static boolean isHash(String hash) {
        if (hash == null || !HASH.matcher(hash).matches()) {
            return false;
        }
        long iterations = Long.parseLong(hash.split("\\$")[2]);
        return iterations >= 1 && iterations <= MAX_ITERATIONS;
    }

    /** Whether {@code password} is the one {@code hash} was made from (constant-time comparison). */
    public static boolean matches(String password, String hash) {
        if (password == null || !isHash(hash)) {
            return false;
        }
        String[] parts = hash.split("\\$");
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(parts[4]);
        byte[] actual = pbkdf2(password, b64.decode(parts[3]), Integer.parseInt(parts[2]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 512);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return hash;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2-HMAC-SHA512 is not available in this JDK", e);
        }
    }
}
