package org.openbell.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VAPID (RFC 8292): tokens checked by the JDK's {@code Signature} directly, by {@link Vapid#verify},
 * and refused when the audience, expiry, signature or key is wrong.
 */
class VapidTest {

    private static final String AUDIENCE = "https://fcm.googleapis.com";
    private static final String SUBJECT = "mailto:doorbell@example.org";
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final Instant EXPIRY = NOW.plus(Duration.ofHours(12));

    private final Vapid vapid = Vapid.generate();

    private String header() {
        return vapid.authorization(AUDIENCE, SUBJECT, EXPIRY, NOW);
    }

    /** The JWT of a {@code vapid t=..., k=...} header, parsed here independently of Vapid. */
    private static String[] jwtParts(String header) {
        assertTrue(header.startsWith("vapid t="), header);
        String token = header.substring("vapid t=".length(), header.indexOf(", k="));
        return token.split("\\.");
    }

    private static String decodeText(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    @Test
    void headerHasTheRfc8292Shape() {
        String header = header();
        assertTrue(header.endsWith(", k=" + vapid.publicKeyBase64Url()), header);
        String[] parts = jwtParts(header);
        assertEquals(3, parts.length);
        assertEquals("{\"typ\":\"JWT\",\"alg\":\"ES256\"}", decodeText(parts[0]));
        assertEquals("{\"aud\":\"https://fcm.googleapis.com\",\"exp\":" + EXPIRY.getEpochSecond()
                + ",\"sub\":\"mailto:doorbell@example.org\"}", decodeText(parts[1]));
        assertEquals(64, Base64.getUrlDecoder().decode(parts[2]).length);
        for (String part : parts) {
            assertTrue(part.matches("[A-Za-z0-9_-]+"), "unpadded base64url: " + part);
        }
    }

    @Test
    void tokenVerifiesWithTheJdkSignatureDirectly() throws Exception {
        for (int i = 0; i < 50; i++) { // enough signatures that some R or S is short
            String[] parts = jwtParts(vapid.authorization(AUDIENCE, SUBJECT, EXPIRY, NOW));
            byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            byte[] raw = Base64.getUrlDecoder().decode(parts[2]);

            Signature der = Signature.getInstance("SHA256withECDSA");
            der.initVerify(independentPublicKey(vapid.publicKey()));
            der.update(signingInput);
            assertTrue(der.verify(independentDer(raw)), "DER signature converted in the test");

            Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
            p1363.initVerify(independentPublicKey(vapid.publicKey()));
            p1363.update(signingInput);
            assertTrue(p1363.verify(raw), "raw R||S read by the JDK's P1363 format");
        }
    }

    @Test
    void verifyAcceptsAValidToken() throws Exception {
        assertArrayEquals(vapid.publicKey(), Vapid.verify(header(), AUDIENCE, NOW));
        assertArrayEquals(vapid.publicKey(), Vapid.verify(header(), AUDIENCE, EXPIRY.minusSeconds(1)));
    }

    @Test
    void verifyAcceptsParametersInEitherOrder() throws Exception {
        String header = header();
        String token = header.substring("vapid t=".length(), header.indexOf(", k="));
        String reordered = "Vapid k=" + vapid.publicKeyBase64Url() + ",t=" + token;
        assertArrayEquals(vapid.publicKey(), Vapid.verify(reordered, AUDIENCE, NOW));
    }

    @Test
    void wrongAudienceIsRefused() {
        var e = assertThrows(Vapid.VerificationException.class,
                () -> Vapid.verify(header(), "https://updates.push.services.mozilla.com", NOW));
        assertTrue(e.getMessage().contains("aud"), e.getMessage());
    }

    @Test
    void expiredTokenIsRefused() {
        var e = assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(header(), AUDIENCE, EXPIRY));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(header(), AUDIENCE, EXPIRY.plusSeconds(3600)));
    }

    @Test
    void expiryMoreThan24HoursAheadIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> vapid.authorization(AUDIENCE, SUBJECT, NOW.plus(Duration.ofHours(24)).plusSeconds(1), NOW));
        assertThrows(IllegalArgumentException.class, () -> vapid.authorization(AUDIENCE, SUBJECT, NOW, NOW));
        assertThrows(IllegalArgumentException.class,
                () -> vapid.authorization(AUDIENCE, SUBJECT, NOW.minusSeconds(1), NOW));
        String fullDay = vapid.authorization(AUDIENCE, SUBJECT, NOW.plus(Duration.ofHours(24)), NOW);
        Vapid.verify(fullDay, AUDIENCE, NOW);
        var e = assertThrows(Vapid.VerificationException.class,
                () -> Vapid.verify(fullDay, AUDIENCE, NOW.minus(Duration.ofHours(1))));
        assertTrue(e.getMessage().contains("24 h"), e.getMessage());
    }

    @Test
    void tamperedSignatureIsRefused() {
        String header = header();
        String[] parts = jwtParts(header);
        byte[] raw = Base64.getUrlDecoder().decode(parts[2]);
        raw[10] ^= 1;
        String tampered = header.replace(parts[2], P256.base64Url(raw));
        var e = assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(tampered, AUDIENCE, NOW));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        String truncated = header.replace(parts[2], P256.base64Url(Arrays.copyOf(raw, 63)));
        assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(truncated, AUDIENCE, NOW));
    }

    @Test
    void tamperedClaimsAreRefused() {
        String header = header();
        String[] parts = jwtParts(header);
        String otherClaims = P256.base64Url(("{\"aud\":\"https://fcm.googleapis.com\",\"exp\":"
                + (EXPIRY.getEpochSecond() + 60) + ",\"sub\":\"mailto:doorbell@example.org\"}")
                .getBytes(StandardCharsets.UTF_8));
        String tampered = header.replace(parts[1], otherClaims);
        assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(tampered, AUDIENCE, NOW));
    }

    @Test
    void tokenWithAnotherKeyIsRefused() {
        String header = header();
        String swapped = header.substring(0, header.indexOf(", k=")) + ", k=" + Vapid.generate().publicKeyBase64Url();
        assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(swapped, AUDIENCE, NOW));
    }

    @Test
    void malformedHeadersAreRefused() {
        String token = header().substring("vapid t=".length(), header().indexOf(", k="));
        for (String bad : new String[] {"", "Bearer " + token, "vapid t=" + token, "vapid k=" + vapid.publicKeyBase64Url(),
                "vapid t=a.b, k=" + vapid.publicKeyBase64Url(), "vapid t=" + token + ", k=AAAA",
                "vapid t=" + token + ", k=" + vapid.publicKeyBase64Url() + ", x=1"}) {
            assertThrows(Vapid.VerificationException.class, () -> Vapid.verify(bad, AUDIENCE, NOW), bad);
        }
    }

    @Test
    void audienceIsTheEndpointOrigin() {
        assertEquals("https://fcm.googleapis.com", Vapid.audience(URI.create("https://fcm.googleapis.com/fcm/send/abc")));
        assertEquals("https://fcm.googleapis.com", Vapid.audience(URI.create("https://fcm.googleapis.com:443/fcm/send/abc")));
        assertEquals("https://push.example.net:8443", Vapid.audience(URI.create("https://push.example.net:8443/push/x?y=1")));
        assertEquals("http://localhost:8080", Vapid.audience(URI.create("http://localhost:8080/p")));
        assertEquals("http://localhost", Vapid.audience(URI.create("http://localhost:80/p")));
        assertEquals("https://updates.push.services.mozilla.com",
                Vapid.audience(URI.create("HTTPS://Updates.Push.Services.Mozilla.com/wpush/v2/gAAA")));
        assertThrows(IllegalArgumentException.class, () -> Vapid.audience(URI.create("ftp://example.org/x")));
        assertThrows(IllegalArgumentException.class, () -> Vapid.audience(URI.create("/relative")));
    }

    @Test
    void audienceAndSubjectMustBeWellFormed() {
        assertThrows(IllegalArgumentException.class,
                () -> vapid.authorization("https://fcm.googleapis.com/fcm/send/abc", SUBJECT, EXPIRY, NOW));
        assertThrows(IllegalArgumentException.class, () -> vapid.authorization(AUDIENCE, "doorbell@example.org", EXPIRY, NOW));
        vapid.authorization(AUDIENCE, "https://openbell.example.org/contact", EXPIRY, NOW);
    }

    @Test
    void keysPersistAsRawAndPkcs8() throws Exception {
        Vapid fromRaw = Vapid.fromRaw(vapid.privateScalar(), vapid.publicKey());
        Vapid fromPkcs8 = Vapid.fromPkcs8(vapid.privateKeyPkcs8(), vapid.publicKey());
        assertArrayEquals(vapid.publicKey(), Vapid.verify(fromRaw.authorization(AUDIENCE, SUBJECT, EXPIRY, NOW), AUDIENCE, NOW));
        assertArrayEquals(vapid.publicKey(), Vapid.verify(fromPkcs8.authorization(AUDIENCE, SUBJECT, EXPIRY, NOW), AUDIENCE, NOW));
        assertEquals(32, vapid.privateScalar().length);
        assertThrows(IllegalArgumentException.class, () -> Vapid.fromRaw(vapid.privateScalar(), Vapid.generate().publicKey()));
        assertThrows(IllegalArgumentException.class, () -> Vapid.fromPkcs8(new byte[] {1, 2, 3}, vapid.publicKey()));
    }

    @Test
    void signatureFormatHandlesShortAndHighBitIntegers() {
        byte[] raw = new byte[64];
        raw[31] = 0x01;         // R = 1: 31 leading zero bytes
        raw[32] = (byte) 0x80;  // S has its top bit set: needs a 0x00 in DER
        byte[] der = EcdsaSignatureFormat.rawToDer(raw);
        assertArrayEquals(independentDer(raw), der);
        assertArrayEquals(new byte[] {0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, (byte) 0x80},
                Arrays.copyOf(der, 9));
        assertArrayEquals(raw, EcdsaSignatureFormat.derToRaw(der));
        assertThrows(IllegalArgumentException.class, () -> EcdsaSignatureFormat.derToRaw(Arrays.copyOf(der, der.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> EcdsaSignatureFormat.rawToDer(new byte[63]));
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", FlatJson.quote("a\"b\\c\n\u0001"));
        Map<String, Object> parsed = FlatJson.parseObject("{ \"s\" : \"a\\\"b\\u0041\", \"n\": 42 }");
        assertEquals("a\"bA", parsed.get("s"));
        assertEquals(42L, parsed.get("n"));
        assertThrows(IllegalArgumentException.class, () -> FlatJson.parseObject("{\"a\":1,\"a\":2}"));
        assertThrows(IllegalArgumentException.class, () -> FlatJson.parseObject("{\"a\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> FlatJson.parseObject("{\"a\":1} x"));
    }

    /** A public key from the 65-byte point, without P256. */
    private static PublicKey independentPublicKey(byte[] point) throws Exception {
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256.params()));
    }

    /** R||S to DER with BigInteger's minimal two's complement, independent of EcdsaSignatureFormat. */
    private static byte[] independentDer(byte[] raw) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length);
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }
}
