package org.openbell.push;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One Web Push message's keys, made before its content is known: a fresh ephemeral key pair and
 * salt, the ECDH agreement and the RFC 8291 key derivation, leaving only AES-GCM for the moment
 * the message is sealed. The expensive part (the elliptic-curve work, milliseconds on a small
 * CPU) is done ahead, off the path of a ring; {@link #seal} takes microseconds. Single use: the
 * keys of one message are never used for another.
 */
public final class PreparedMessage {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] header;
    private final byte[] cek;
    private final byte[] nonce;
    private final AtomicBoolean used = new AtomicBoolean();

    private PreparedMessage(byte[] header, byte[] cek, byte[] nonce) {
        this.header = header;
        this.cek = cek;
        this.nonce = nonce;
    }

    /** Does the key work for one message to the subscription {@code uaPublic} / {@code authSecret16}. */
    public static PreparedMessage prepare(ECPublicKey uaPublic, byte[] authSecret16) {
        if (authSecret16 == null || authSecret16.length != Aes128Gcm.AUTH_SECRET_LENGTH) {
            throw new IllegalArgumentException("auth secret must be " + Aes128Gcm.AUTH_SECRET_LENGTH + " bytes");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        KeyPair asKeys = P256.generateKeyPair();
        byte[] uaPoint = P256.encodePublicKey(uaPublic);
        byte[] asPoint = P256.encodePublicKey((ECPublicKey) asKeys.getPublic());
        Rfc8291KeyDerivation.ContentKeys keys = Rfc8291KeyDerivation.derive(
                (ECPrivateKey) asKeys.getPrivate(), uaPublic, uaPoint, asPoint, authSecret16, salt);
        byte[] header = ByteBuffer.allocate(Aes128Gcm.HEADER_LENGTH).put(salt).putInt(Aes128Gcm.DEFAULT_RECORD_SIZE)
                .put((byte) P256.POINT_LENGTH).put(asPoint).array();
        return new PreparedMessage(header, keys.cek().clone(), keys.nonce().clone());
    }

    /**
     * The {@code aes128gcm} body carrying {@code plaintext} (one record, no padding), exactly what
     * {@link Aes128Gcm#encrypt} would make with these keys.
     *
     * @throws IllegalStateException if this message was sealed before
     * @throws IllegalArgumentException if the body would exceed 4096 bytes
     */
    public byte[] seal(byte[] plaintext) {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("a prepared message is sealed once");
        }
        if (plaintext.length > Aes128Gcm.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("push message too large: " + plaintext.length + " bytes of plaintext, at most "
                    + Aes128Gcm.MAX_PLAINTEXT_LENGTH);
        }
        byte[] record = Arrays.copyOf(plaintext, plaintext.length + 1);
        record[plaintext.length] = 2; // the last (and only) record's delimiter
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            byte[] ciphertext = cipher.doFinal(record);
            return ByteBuffer.allocate(header.length + ciphertext.length).put(header).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            Arrays.fill(cek, (byte) 0);
            Arrays.fill(nonce, (byte) 0);
            Arrays.fill(record, (byte) 0);
        }
    }
}
