package org.openbell.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key schedule of RFC 8291 section 3.4 (which feeds RFC 8188's), one step per method so that
 * each intermediate value of RFC 8291 Appendix A can be checked on its own. HKDF (RFC 5869) is
 * written out with HmacSHA256: every output here is at most one hash long, so HKDF-Expand is a
 * single HMAC over {@code info || 0x01}.
 */
final class Rfc8291KeyDerivation {

    private static final byte[] KEY_INFO_LABEL = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CEK_INFO = "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NONCE_INFO = "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII);

    static final int CEK_LENGTH = 16;
    static final int NONCE_LENGTH = 12;

    private Rfc8291KeyDerivation() {}

    /** The content encryption key and nonce of the (single) record. */
    record ContentKeys(byte[] cek, byte[] nonce) {
        void wipe() {
            Arrays.fill(cek, (byte) 0);
            Arrays.fill(nonce, (byte) 0);
        }
    }

    /**
     * Everything from ECDH to CEK and NONCE. {@code ownPrivate} is the application server's key when
     * encrypting and the user agent's when decrypting; the public keys are always given by role.
     */
    static ContentKeys derive(ECPrivateKey ownPrivate, ECPublicKey peerPublic,
                              byte[] uaPublic, byte[] asPublic, byte[] authSecret, byte[] salt) {
        byte[] ecdhSecret = ecdh(ownPrivate, peerPublic);
        byte[] prkKey = prkKey(authSecret, ecdhSecret);
        byte[] ikm = ikm(prkKey, keyInfo(uaPublic, asPublic));
        byte[] prk = prk(salt, ikm);
        try {
            return new ContentKeys(cek(prk), nonce(prk));
        } finally {
            Arrays.fill(ecdhSecret, (byte) 0);
            Arrays.fill(prkKey, (byte) 0);
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** {@code ecdh_secret}: the 32-byte X coordinate of the shared point. */
    static byte[] ecdh(ECPrivateKey ownPrivate, ECPublicKey peerPublic) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(ownPrivate);
            agreement.doPhase(peerPublic, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ECDH failed: " + e.getMessage(), e);
        }
    }

    /** {@code PRK_key = HMAC-SHA-256(auth_secret, ecdh_secret)} (HKDF-Extract). */
    static byte[] prkKey(byte[] authSecret, byte[] ecdhSecret) {
        return hmac(authSecret, ecdhSecret);
    }

    /** {@code key_info = "WebPush: info" || 0x00 || ua_public || as_public}. */
    static byte[] keyInfo(byte[] uaPublic, byte[] asPublic) {
        return concat(KEY_INFO_LABEL, uaPublic, asPublic);
    }

    /** {@code IKM = HMAC-SHA-256(PRK_key, key_info || 0x01)} (HKDF-Expand, L = 32). */
    static byte[] ikm(byte[] prkKey, byte[] keyInfo) {
        return hmac(prkKey, keyInfo, new byte[] {1});
    }

    /** {@code PRK = HMAC-SHA-256(salt, IKM)} (HKDF-Extract). */
    static byte[] prk(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm);
    }

    /** {@code CEK = HMAC-SHA-256(PRK, cek_info || 0x01)[0..15]}. */
    static byte[] cek(byte[] prk) {
        return truncate(hmac(prk, CEK_INFO, new byte[] {1}), CEK_LENGTH);
    }

    /** {@code NONCE = HMAC-SHA-256(PRK, nonce_info || 0x01)[0..11]}. */
    static byte[] nonce(byte[] prk) {
        return truncate(hmac(prk, NONCE_INFO, new byte[] {1}), NONCE_LENGTH);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] truncate(byte[] full, int length) {
        byte[] out = Arrays.copyOf(full, length);
        Arrays.fill(full, (byte) 0);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
