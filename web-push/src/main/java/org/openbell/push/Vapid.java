package org.openbell.push;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The doorbell's VAPID identity (RFC 8292): a P-256 key pair whose public half the browser was
 * given as {@code applicationServerKey}, and the {@code Authorization: vapid t=<JWT>, k=<key>}
 * header it signs for each push service.
 *
 * <p>The JWT is ES256 (RFC 7515/7518) with the header {@code {"typ":"JWT","alg":"ES256"}} and
 * the claims {@code aud} (the push service's origin), {@code exp} (at most 24 hours ahead) and
 * {@code sub} (a {@code mailto:} or {@code https:} contact). Keys are stored by the caller:
 * {@link #privateScalar()} and {@link #publicKey()} give what {@link #fromRaw} takes back.
 *
 * <p>{@link #verify} is the push service's side, for tests that stand in for one.
 */
public final class Vapid {

    /** The longest an {@code exp} may be ahead of now (RFC 8292 section 2). */
    public static final Duration MAX_VALIDITY = Duration.ofHours(24);

    private static final String JWT_HEADER = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";

    private final KeyPair keys;
    private final byte[] publicPoint;

    private Vapid(KeyPair keys) {
        this.keys = keys;
        this.publicPoint = P256.encodePublicKey((ECPublicKey) keys.getPublic());
        requireMatchingPair(keys);
    }

    /** Why a VAPID header was refused (by {@link #verify}). */
    public static final class VerificationException extends GeneralSecurityException {
        VerificationException(String message) {
            super(message);
        }

        VerificationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A new random VAPID identity. */
    public static Vapid generate() {
        return new Vapid(P256.generateKeyPair());
    }

    /**
     * A stored identity from its raw 32-byte private scalar and 65-byte public point.
     *
     * @throws IllegalArgumentException if either is malformed or they are not one key pair
     */
    public static Vapid fromRaw(byte[] privateScalar, byte[] publicKey) {
        return new Vapid(P256.keyPair(privateScalar, publicKey));
    }

    /**
     * A stored identity from a PKCS#8 private key (as {@code getEncoded()} writes it) and the
     * 65-byte public point.
     *
     * @throws IllegalArgumentException if either is malformed, not P-256, or they do not match
     */
    public static Vapid fromPkcs8(byte[] pkcs8, byte[] publicKey) {
        ECPrivateKey privateKey;
        try {
            privateKey = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PKCS#8 EC private key: " + e.getMessage(), e);
        }
        P256.requireP256(privateKey.getParams());
        return new Vapid(new KeyPair(P256.decodePublicKey(publicKey), privateKey));
    }

    /** The raw 32-byte private scalar (keep it secret). */
    public byte[] privateScalar() {
        return P256.encodePrivateKey((ECPrivateKey) keys.getPrivate());
    }

    /** The PKCS#8 encoding of the private key (keep it secret). */
    public byte[] privateKeyPkcs8() {
        return keys.getPrivate().getEncoded();
    }

    /** The 65-byte uncompressed public point: the browser's {@code applicationServerKey}. */
    public byte[] publicKey() {
        return publicPoint.clone();
    }

    /** {@link #publicKey()} in base64url, as the {@code k=} parameter and the web page want it. */
    public String publicKeyBase64Url() {
        return P256.base64Url(publicPoint);
    }

    /** The {@code Authorization} header value, with "now" from the system clock. */
    public String authorization(String audienceOrigin, String subject, Instant expiry) {
        return authorization(audienceOrigin, subject, expiry, Instant.now());
    }

    /**
     * The {@code Authorization} header value {@code vapid t=<JWT>, k=<public key>}.
     *
     * @param audienceOrigin the push service's origin, see {@link #audience(URI)}
     * @param subject a {@code mailto:} or {@code https:} contact for the push service
     * @param expiry when the token stops being valid: after {@code now}, at most 24 h later
     * @throws IllegalArgumentException if the audience is not an origin, the subject not a contact
     *     URI, or the expiry not in {@code (now, now + 24 h]}
     */
    public String authorization(String audienceOrigin, String subject, Instant expiry, Instant now) {
        requireOrigin(audienceOrigin);
        if (subject == null || !(subject.startsWith("mailto:") || subject.startsWith("https:"))) {
            throw new IllegalArgumentException("VAPID subject must be a mailto: or https: URI, got " + subject);
        }
        if (!expiry.isAfter(now)) {
            throw new IllegalArgumentException("VAPID expiry " + expiry + " is not after now (" + now + ")");
        }
        if (expiry.isAfter(now.plus(MAX_VALIDITY))) {
            throw new IllegalArgumentException("VAPID expiry " + expiry + " is more than 24 h after now (" + now + ")");
        }
        String claims = "{\"aud\":" + FlatJson.quote(audienceOrigin)
                + ",\"exp\":" + expiry.getEpochSecond()
                + ",\"sub\":" + FlatJson.quote(subject) + "}";
        String signingInput = base64Url(JWT_HEADER) + "." + base64Url(claims);
        byte[] der;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            der = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
        String jwt = signingInput + "." + P256.base64Url(EcdsaSignatureFormat.derToRaw(der));
        return "vapid t=" + jwt + ", k=" + publicKeyBase64Url();
    }

    /**
     * The {@code aud} for a push endpoint: {@code scheme://host}, with {@code :port} only when it
     * is not the scheme's default.
     *
     * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URI with a host
     */
    public static String audience(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? null : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("push endpoint must be an http(s) URI: " + endpoint);
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("push endpoint has no host: " + endpoint);
        }
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        return scheme + "://" + endpoint.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /**
     * Checks a VAPID {@code Authorization} header as a push service does: the form
     * {@code vapid t=..., k=...}, an ES256 JWT signed by {@code k}, {@code aud} equal to
     * {@code expectedAudience}, and {@code exp} after {@code now} and at most 24 h after it.
     *
     * @return the 65-byte public key the token was signed with
     * @throws VerificationException naming what is wrong
     */
    public static byte[] verify(String authorizationHeader, String expectedAudience, Instant now)
            throws VerificationException {
        if (authorizationHeader == null) {
            throw new VerificationException("no Authorization header");
        }
        String header = authorizationHeader.strip();
        if (header.length() < 6 || !header.regionMatches(true, 0, "vapid ", 0, 6)) {
            throw new VerificationException("Authorization scheme is not vapid");
        }
        String token = null;
        String key = null;
        for (String parameter : header.substring(6).split(",")) {
            String trimmed = parameter.strip();
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new VerificationException("malformed vapid parameter: " + trimmed);
            }
            String name = trimmed.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            String value = trimmed.substring(equals + 1).strip();
            if (name.equals("t") && token == null) {
                token = value;
            } else if (name.equals("k") && key == null) {
                key = value;
            } else {
                throw new VerificationException("unexpected or repeated vapid parameter: " + name);
            }
        }
        if (token == null || key == null) {
            throw new VerificationException("vapid header needs both t= and k=");
        }
        byte[] publicPoint;
        ECPublicKey publicKey;
        try {
            publicPoint = P256.fromBase64Url(key);
            publicKey = P256.decodePublicKey(publicPoint);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("k is not a P-256 public key: " + e.getMessage(), e);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new VerificationException("t is not a JWS compact serialization (three parts)");
        }
        Map<String, Object> jwtHeader = decodeJson(parts[0], "JWT header");
        if (!"ES256".equals(jwtHeader.get("alg"))) {
            throw new VerificationException("JWT alg must be ES256, is " + jwtHeader.get("alg"));
        }
        Object typ = jwtHeader.get("typ");
        if (typ != null && !"JWT".equalsIgnoreCase(typ.toString())) {
            throw new VerificationException("JWT typ must be JWT, is " + typ);
        }
        boolean valid;
        try {
            byte[] der = EcdsaSignatureFormat.rawToDer(P256.fromBase64Url(parts[2]));
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            valid = verifier.verify(der);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new VerificationException("JWT signature is malformed: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new VerificationException("JWT signature does not verify with k");
        }
        Map<String, Object> claims = decodeJson(parts[1], "JWT claims");
        if (!(claims.get("aud") instanceof String audience) || !audience.equals(expectedAudience)) {
            throw new VerificationException("JWT aud is " + claims.get("aud") + ", expected " + expectedAudience);
        }
        if (!(claims.get("exp") instanceof Long exp)) {
            throw new VerificationException("JWT exp is missing or not an integer");
        }
        Instant expiry = Instant.ofEpochSecond(exp);
        if (!expiry.isAfter(now)) {
            throw new VerificationException("JWT expired at " + expiry + " (now " + now + ")");
        }
        if (expiry.isAfter(now.plus(MAX_VALIDITY))) {
            throw new VerificationException("JWT exp " + expiry + " is more than 24 h ahead of " + now);
        }
        return publicPoint;
    }

    private static Map<String, Object> decodeJson(String part, String what) throws VerificationException {
        try {
            return FlatJson.parseObject(new String(P256.fromBase64Url(part), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new VerificationException(what + " is not valid: " + e.getMessage(), e);
        }
    }

    private static void requireOrigin(String origin) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("VAPID audience is not a URI: " + origin, e);
        }
        if (!audience(uri).equals(origin)) {
            throw new IllegalArgumentException("VAPID audience must be an origin (scheme://host[:port]), got "
                    + origin + "; use Vapid.audience(endpoint)");
        }
    }

    /** Signs and verifies one message, so a stored private key cannot be paired with another's public key. */
    private static void requireMatchingPair(KeyPair pair) {
        try {
            byte[] probe = "openbell vapid key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(probe);
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(signer.sign())) {
                throw new IllegalArgumentException("VAPID private and public keys are not one key pair");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("VAPID key pair is unusable: " + e.getMessage(), e);
        }
    }

    private static String base64Url(String json) {
        return P256.base64Url(json.getBytes(StandardCharsets.UTF_8));
    }
}
