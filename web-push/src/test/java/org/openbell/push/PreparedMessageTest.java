package org.openbell.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

/** Keys made ahead, sealed later: what a subscription's browser decrypts, and only once. */
class PreparedMessageTest {

    @Test
    void aPreparedMessageDecryptsLikeAnEncryptedOne() throws Exception {
        KeyPair ua = P256.generateKeyPair();
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        PreparedMessage prepared = PreparedMessage.prepare((ECPublicKey) ua.getPublic(), auth);
        byte[] plaintext = "{\"v\":1,\"type\":\"ring\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = prepared.seal(plaintext);
        assertArrayEquals(plaintext, Aes128Gcm.decrypt(body, ua, auth));
        assertEquals(Aes128Gcm.HEADER_LENGTH + plaintext.length + 1 + 16, body.length);
        assertThrows(IllegalStateException.class, () -> prepared.seal(plaintext), "single use");
        assertThrows(IllegalArgumentException.class, () -> PreparedMessage.prepare((ECPublicKey) ua.getPublic(), auth)
                .seal(new byte[Aes128Gcm.MAX_PLAINTEXT_LENGTH + 1]));
        byte[] other = new byte[16];
        assertThrows(Aes128Gcm.DecryptionException.class, () -> Aes128Gcm.decrypt(
                PreparedMessage.prepare((ECPublicKey) ua.getPublic(), auth).seal(plaintext), ua, other), "bound to the auth secret");
    }
}
