package org.openbell.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** P-256 point and scalar encodings and base64url: round trips, and refusal of anything not a P-256 key. */
class P256Test {

    private static final String RFC_UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private static String message(byte[] point) {
        return assertThrows(IllegalArgumentException.class, () -> P256.decodePublicKey(point)).getMessage();
    }

    @Test
    void publicKeyRoundTrips() {
        for (int i = 0; i < 20; i++) {
            ECPublicKey key = (ECPublicKey) P256.generateKeyPair().getPublic();
            byte[] point = P256.encodePublicKey(key);
            assertEquals(65, point.length);
            assertEquals(0x04, point[0]);
            ECPublicKey decoded = P256.decodePublicKey(point);
            assertEquals(key.getW(), decoded.getW());
            assertArrayEquals(point, P256.encodePublicKey(decoded));
        }
    }

    @Test
    void rfcKeyDecodesAndReencodes() {
        byte[] point = P256.fromBase64Url(RFC_UA_PUBLIC);
        assertEquals(RFC_UA_PUBLIC, P256.base64Url(P256.encodePublicKey(P256.decodePublicKey(point))));
    }

    @Test
    void privateScalarRoundTrips() {
        KeyPair pair = P256.generateKeyPair();
        byte[] scalar = P256.encodePrivateKey((ECPrivateKey) pair.getPrivate());
        assertEquals(32, scalar.length);
        assertEquals(((ECPrivateKey) pair.getPrivate()).getS(), P256.decodePrivateKey(scalar).getS());
        byte[] small = new byte[32];
        small[31] = 1; // scalar 1: 31 leading zero bytes must survive
        assertArrayEquals(small, P256.encodePrivateKey(P256.decodePrivateKey(small)));
    }

    @Test
    void pointOffTheCurveIsRefused() {
        byte[] point = P256.fromBase64Url(RFC_UA_PUBLIC);
        point[64] ^= 1;
        assertTrue(message(point).contains("not a point on the curve"));
        byte[] zeros = new byte[65];
        zeros[0] = 4;
        assertTrue(message(zeros).contains("not a point on the curve"));
    }

    @Test
    void coordinateOutsideTheFieldIsRefused() {
        byte[] point = new byte[65];
        point[0] = 4;
        byte[] p = P.toByteArray(); // 33 bytes with a leading 0x00
        System.arraycopy(p, 1, point, 1, 32);
        assertTrue(message(point).contains("outside the field"));
    }

    @Test
    void wrongLengthIsRefused() {
        byte[] point = P256.fromBase64Url(RFC_UA_PUBLIC);
        assertTrue(message(Arrays.copyOf(point, 64)).contains("65 bytes"));
        assertTrue(message(Arrays.copyOf(point, 66)).contains("65 bytes"));
        assertTrue(message(Arrays.copyOfRange(point, 0, 33)).contains("65 bytes")); // compressed length
        assertTrue(message(new byte[0]).contains("65 bytes"));
        assertTrue(message(null).contains("65 bytes"));
    }

    @Test
    void wrongPrefixIsRefused() {
        for (int prefix : new int[] {0x00, 0x02, 0x03, 0x05, 0x06, 0x07}) {
            byte[] point = P256.fromBase64Url(RFC_UA_PUBLIC);
            point[0] = (byte) prefix;
            assertTrue(message(point).contains("0x04"), "prefix " + prefix);
        }
    }

    @Test
    void privateScalarOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> P256.decodePrivateKey(new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> P256.decodePrivateKey(new byte[31]));
        byte[] n = Arrays.copyOfRange(N.toByteArray(), 1, 33);
        assertThrows(IllegalArgumentException.class, () -> P256.decodePrivateKey(n));
    }

    @Test
    void keyOnAnotherCurveIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair other = generator.generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> P256.encodePublicKey((ECPublicKey) other.getPublic()));
        assertThrows(IllegalArgumentException.class, () -> P256.encodePrivateKey((ECPrivateKey) other.getPrivate()));
    }

    @Test
    void base64UrlIsUnpaddedAndAcceptsPadding() {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, 0x01, 0x02};
        assertEquals("-_8BAg", P256.base64Url(bytes));
        assertArrayEquals(bytes, P256.fromBase64Url("-_8BAg"));
        assertArrayEquals(bytes, P256.fromBase64Url("-_8BAg=="));
        assertThrows(IllegalArgumentException.class, () -> P256.fromBase64Url("+/8BAg"));
        assertThrows(IllegalArgumentException.class, () -> P256.fromBase64Url("a"));
    }
}
