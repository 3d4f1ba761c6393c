package org.openbell.push;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web Push message encryption: RFC 8291 over the RFC 8188 {@code aes128gcm} content coding, in
 * the single record that RFC 8291 section 4 requires.
 *
 * <p>The body is {@code salt (16) || rs (uint32) || idlen (1) = 65 || keyid = as_public (65)}
 * followed by AES-128-GCM over {@code plaintext || 0x02 || padding zeros}. It is sent with
 * {@code Content-Encoding: aes128gcm}. A body is at most {@value #MAX_BODY_LENGTH} bytes, so a
 * plaintext is at most {@value #MAX_PLAINTEXT_LENGTH} bytes (less any padding).
 */
public final class Aes128Gcm {

    /** The Web Push limit on the body (RFC 8030 section 7.2, RFC 8291 section 4). */
    public static final int MAX_BODY_LENGTH = 4096;
    /** Salt, rs and idlen. */
    static final int HEADER_FIXED_LENGTH = 16 + 4 + 1;
    /** The whole header with the 65-byte application server key as keyid: 86 bytes. */
    public static final int HEADER_LENGTH = HEADER_FIXED_LENGTH + P256.POINT_LENGTH;
    static final int TAG_LENGTH = 16;
    static final int SALT_LENGTH = 16;
    /** Length of the subscription's {@code auth} secret. */
    public static final int AUTH_SECRET_LENGTH = 16;
    /** The record size written into the header. */
    public static final int DEFAULT_RECORD_SIZE = 4096;
    /** The smallest record size RFC 8188 allows: a tag and one delimiter byte, plus one. */
    static final int MIN_RECORD_SIZE = 18;
    /** 4096 - 86 - 16 - 1 = 3993. */
    public static final int MAX_PLAINTEXT_LENGTH = MAX_BODY_LENGTH - HEADER_LENGTH - TAG_LENGTH - 1;

    private static final byte LAST_RECORD_DELIMITER = 0x02;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aes128Gcm() {}

    /** Why a body could not be decrypted: bad header, wrong keys, tampering or bad padding. */
    public static final class DecryptionException extends GeneralSecurityException {
        DecryptionException(String message) {
            super(message);
        }

        DecryptionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Encrypts a push message for one subscription with a fresh salt and ephemeral key, no padding.
     *
     * @param uaPublic the subscription's {@code p256dh} key (see {@link P256#decodePublicKey})
     * @param authSecret16 the subscription's 16-byte {@code auth} secret
     * @throws IllegalArgumentException if the body would exceed 4096 bytes or an input is malformed
     */
    public static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret16) {
        return encrypt(plaintext, uaPublic, authSecret16, 0);
    }

    /**
     * As {@link #encrypt(byte[], ECPublicKey, byte[])}, with {@code paddingLength} zero bytes after
     * the delimiter to hide the plaintext's length.
     */
    public static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret16, int paddingLength) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret16, P256.generateKeyPair(), salt,
                DEFAULT_RECORD_SIZE, paddingLength);
    }

    /** With fixed application server keys and salt, no padding: for test vectors. */
    static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair asKeys,
                          byte[] salt16, int recordSize) {
        return encrypt(plaintext, uaPublic, authSecret, asKeys, salt16, recordSize, 0);
    }

    /** With fixed application server keys and salt: for test vectors. */
    static byte[] encrypt(byte[] plaintext, ECPublicKey uaPublic, byte[] authSecret, KeyPair asKeys,
                          byte[] salt16, int recordSize, int paddingLength) {
        requireLength("auth secret", authSecret, AUTH_SECRET_LENGTH);
        requireLength("salt", salt16, SALT_LENGTH);
        if (paddingLength < 0) {
            throw new IllegalArgumentException("padding length must not be negative");
        }
        long recordLength = (long) plaintext.length + 1 + paddingLength + TAG_LENGTH;
        if (HEADER_LENGTH + recordLength > MAX_BODY_LENGTH) {
            throw new IllegalArgumentException("push message too large: " + plaintext.length
                    + " bytes of plaintext and " + paddingLength + " of padding make a body of "
                    + (HEADER_LENGTH + recordLength) + " bytes, over the Web Push limit of "
                    + MAX_BODY_LENGTH + " (at most " + MAX_PLAINTEXT_LENGTH + " bytes of plaintext)");
        }
        if (recordSize < MIN_RECORD_SIZE || recordLength > recordSize) {
            throw new IllegalArgumentException("record size " + recordSize + " cannot hold the single record of "
                    + recordLength + " bytes");
        }
        byte[] uaPoint = P256.encodePublicKey(uaPublic); // also checks it is on P-256
        byte[] asPoint = P256.encodePublicKey((ECPublicKey) asKeys.getPublic());

        Rfc8291KeyDerivation.ContentKeys keys = Rfc8291KeyDerivation.derive(
                (ECPrivateKey) asKeys.getPrivate(), uaPublic, uaPoint, asPoint, authSecret, salt16);
        byte[] record = new byte[plaintext.length + 1 + paddingLength];
        System.arraycopy(plaintext, 0, record, 0, plaintext.length);
        record[plaintext.length] = LAST_RECORD_DELIMITER;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.cek(), "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, keys.nonce()));
            byte[] ciphertext = cipher.doFinal(record);
            return ByteBuffer.allocate(HEADER_LENGTH + ciphertext.length)
                    .put(salt16)
                    .putInt(recordSize)
                    .put((byte) P256.POINT_LENGTH)
                    .put(asPoint)
                    .put(ciphertext)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            keys.wipe();
            Arrays.fill(record, (byte) 0);
        }
    }

    /**
     * Decrypts a body as a user agent would: what a push-service stand-in in tests uses.
     *
     * @param uaKeys the subscription's key pair
     * @param authSecret the subscription's 16-byte auth secret
     * @return the plaintext without delimiter and padding
     * @throws DecryptionException if the header is malformed, the body is not a single record, the
     *     keys or secret are wrong, the ciphertext was altered, or the padding is invalid
     */
    public static byte[] decrypt(byte[] body, KeyPair uaKeys, byte[] authSecret) throws DecryptionException {
        if (authSecret == null || authSecret.length != AUTH_SECRET_LENGTH) {
            throw new DecryptionException("auth secret must be " + AUTH_SECRET_LENGTH + " bytes");
        }
        if (body.length < HEADER_FIXED_LENGTH) {
            throw new DecryptionException("body of " + body.length + " bytes is shorter than the "
                    + HEADER_FIXED_LENGTH + "-byte aes128gcm header");
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[SALT_LENGTH];
        in.get(salt);
        long recordSize = Integer.toUnsignedLong(in.getInt());
        int idLength = in.get() & 0xff;
        if (recordSize < MIN_RECORD_SIZE) {
            throw new DecryptionException("record size " + recordSize + " is below the minimum of " + MIN_RECORD_SIZE);
        }
        if (idLength != P256.POINT_LENGTH) {
            throw new DecryptionException("keyid must be the 65-byte application server key, idlen is " + idLength);
        }
        if (body.length < HEADER_LENGTH) {
            throw new DecryptionException("body of " + body.length + " bytes ends inside the keyid");
        }
        byte[] asPoint = new byte[P256.POINT_LENGTH];
        in.get(asPoint);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (ciphertext.length < TAG_LENGTH + 1) {
            throw new DecryptionException("record of " + ciphertext.length + " bytes is too short for a tag and delimiter");
        }
        if (ciphertext.length > recordSize) {
            throw new DecryptionException("body holds more than one record (" + ciphertext.length
                    + " bytes, rs " + recordSize + "); Web Push allows a single record");
        }
        ECPublicKey asPublic;
        try {
            asPublic = P256.decodePublicKey(asPoint);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException("keyid: " + e.getMessage(), e);
        }
        byte[] uaPoint = P256.encodePublicKey((ECPublicKey) uaKeys.getPublic());
        Rfc8291KeyDerivation.ContentKeys keys = Rfc8291KeyDerivation.derive(
                (ECPrivateKey) uaKeys.getPrivate(), asPublic, uaPoint, asPoint, authSecret, salt);
        byte[] record;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.cek(), "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, keys.nonce()));
            record = cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new DecryptionException("authentication failed: wrong keys or auth secret, or the body was altered", e);
        } catch (GeneralSecurityException e) {
            throw new DecryptionException("AES-GCM decryption failed: " + e.getMessage(), e);
        } finally {
            keys.wipe();
        }
        int end = record.length - 1;
        while (end >= 0 && record[end] == 0) {
            end--;
        }
        if (end < 0) {
            throw new DecryptionException("record has no padding delimiter");
        }
        if (record[end] != LAST_RECORD_DELIMITER) {
            throw new DecryptionException(String.format(
                    "padding delimiter is 0x%02x, not 0x02 (the last and only record)", record[end] & 0xff));
        }
        return Arrays.copyOf(record, end);
    }

    private static void requireLength(String what, byte[] value, int length) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got "
                    + (value == null ? "null" : value.length));
        }
    }
}
