package org.openbell.signaling.access;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
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
        if (user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("a broker account name cannot contain ':' or a line break: " + user);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 512);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            spec.clearPassword();
            Base64.Encoder b64 = Base64.getEncoder();
            return user + ":$7$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2-HMAC-SHA512 is not available in this JDK", e);
        }
    }
}
