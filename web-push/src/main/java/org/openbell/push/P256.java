package org.openbell.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * NIST P-256 (secp256r1) helpers for Web Push, on the JDK's own EC provider: the 65-byte
 * uncompressed point form ({@code 0x04 || X || Y}, X9.62 / SEC1 2.3.3) that browsers hand out as
 * {@code p256dh} and that VAPID's {@code k=} carries, the raw 32-byte private scalar, key
 * generation, and base64url without padding.
 *
 * <p>Every point that comes in is checked to lie on the curve (RFC 8291 section 7: accepting an
 * off-curve key can leak the private key through ECDH).
 */
public final class P256 {

    /** Length of an uncompressed point: the 0x04 prefix and two 32-byte coordinates. */
    public static final int POINT_LENGTH = 65;
    /** Length of a private scalar and of each coordinate. */
    public static final int SCALAR_LENGTH = 32;

    private static final ECParameterSpec PARAMS = loadParams();
    private static final BigInteger P = ((ECFieldFp) PARAMS.getCurve().getField()).getP();
    private static final BigInteger A = PARAMS.getCurve().getA();
    private static final BigInteger B = PARAMS.getCurve().getB();
    private static final BigInteger N = PARAMS.getOrder();

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private P256() {}

    /** The curve's domain parameters, as the JDK names them ({@code secp256r1}). */
    public static ECParameterSpec params() {
        return PARAMS;
    }

    /**
     * Decodes an uncompressed point into a public key.
     *
     * @throws IllegalArgumentException if the bytes are not 65 long, do not start with 0x04, have a
     *     coordinate outside the field, or are not a point on P-256
     */
    public static ECPublicKey decodePublicKey(byte[] point) {
        if (point == null || point.length != POINT_LENGTH) {
            throw new IllegalArgumentException("P-256 public key must be " + POINT_LENGTH
                    + " bytes (uncompressed point), got " + (point == null ? "null" : point.length));
        }
        if (point[0] != 0x04) {
            throw new IllegalArgumentException(String.format(
                    "P-256 public key must be an uncompressed point starting with 0x04, got 0x%02x", point[0] & 0xff));
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + SCALAR_LENGTH));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + SCALAR_LENGTH, POINT_LENGTH));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            throw new IllegalArgumentException("P-256 public key has a coordinate outside the field");
        }
        // y^2 = x^3 + a*x + b (mod p). (0, 0) is not on the curve since b != 0.
        BigInteger lhs = y.multiply(y).mod(P);
        BigInteger rhs = x.pow(3).add(A.multiply(x)).add(B).mod(P);
        if (!lhs.equals(rhs)) {
            throw new IllegalArgumentException("P-256 public key is not a point on the curve");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("P-256 public key refused by the JDK: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes a P-256 public key as a 65-byte uncompressed point.
     *
     * @throws IllegalArgumentException if the key is not on P-256
     */
    public static byte[] encodePublicKey(ECPublicKey key) {
        requireP256(key.getParams());
        byte[] out = new byte[POINT_LENGTH];
        out[0] = 0x04;
        fixed32(key.getW().getAffineX(), out, 1);
        fixed32(key.getW().getAffineY(), out, 1 + SCALAR_LENGTH);
        // Re-decoding checks the point really is on the curve (a spec can carry any point).
        decodePublicKey(out);
        return out;
    }

    /**
     * Makes a private key from its raw 32-byte big-endian scalar.
     *
     * @throws IllegalArgumentException if it is not 32 bytes or not in [1, n-1]
     */
    public static ECPrivateKey decodePrivateKey(byte[] scalar) {
        if (scalar == null || scalar.length != SCALAR_LENGTH) {
            throw new IllegalArgumentException("P-256 private key must be " + SCALAR_LENGTH + " bytes, got "
                    + (scalar == null ? "null" : scalar.length));
        }
        BigInteger s = new BigInteger(1, scalar);
        if (s.signum() == 0 || s.compareTo(N) >= 0) {
            throw new IllegalArgumentException("P-256 private key is out of range [1, n-1]");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("P-256 private key refused by the JDK: " + e.getMessage(), e);
        }
    }

    /** The raw 32-byte big-endian scalar of a P-256 private key. */
    public static byte[] encodePrivateKey(ECPrivateKey key) {
        requireP256(key.getParams());
        byte[] out = new byte[SCALAR_LENGTH];
        fixed32(key.getS(), out, 0);
        return out;
    }

    /** A key pair from its raw private scalar and uncompressed public point (not checked to match). */
    public static KeyPair keyPair(byte[] privateScalar, byte[] publicPoint) {
        return new KeyPair(decodePublicKey(publicPoint), decodePrivateKey(privateScalar));
    }

    /** A fresh random P-256 key pair. */
    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }

    /** Base64url (RFC 4648 section 5) without padding. */
    public static String base64Url(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    /**
     * Decodes base64url, with or without trailing {@code =} padding.
     *
     * @throws IllegalArgumentException if it is not base64url (for example, uses {@code +} or {@code /})
     */
    public static byte[] fromBase64Url(String text) {
        try {
            return B64URL_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64url: " + e.getMessage(), e);
        }
    }

    static void requireP256(ECParameterSpec spec) {
        if (spec == null
                || !spec.getCurve().equals(PARAMS.getCurve())
                || !spec.getGenerator().equals(PARAMS.getGenerator())
                || !spec.getOrder().equals(PARAMS.getOrder())) {
            throw new IllegalArgumentException("key is not on P-256");
        }
    }

    /** Writes a non-negative integer below 2^256 as exactly 32 big-endian bytes. */
    private static void fixed32(BigInteger value, byte[] out, int offset) {
        byte[] raw = value.toByteArray(); // minimal two's complement: may have a leading 0x00 or be short
        int start = raw.length > SCALAR_LENGTH ? raw.length - SCALAR_LENGTH : 0;
        int length = raw.length - start;
        if (value.signum() < 0 || (start > 0 && raw[0] != 0) || start > 1) {
            throw new IllegalArgumentException("value does not fit in 32 bytes");
        }
        System.arraycopy(raw, start, out, offset + SCALAR_LENGTH - length, length);
    }

    private static ECParameterSpec loadParams() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
