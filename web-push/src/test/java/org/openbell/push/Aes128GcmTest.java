package org.openbell.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * RFC 8291 message encryption: the RFC's worked example (section 5, intermediate values from
 * Appendix A) byte for byte, round trips with random keys, and refusal of every kind of bad body.
 */
class Aes128GcmTest {

    // RFC 8291 section 5 and Appendix A, line wrapping removed.
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String PLAINTEXT_B64 = "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24";
    private static final String AS_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String ECDH_SECRET = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
    private static final String PRK_KEY = "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k";
    private static final String KEY_INFO = "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwR"
            + "zr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3"
            + "ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0Ew"
            + "bZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAv"
            + "MBKiiujwa7t45ewP";
    private static final String IKM = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
    private static final String PRK = "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc";
    private static final String CEK_INFO = "Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAA";
    private static final String CEK = "oIhVW04MRdy2XN9CiKLxTg";
    private static final String NONCE_INFO = "Q29udGVudC1FbmNvZGluZzogbm9uY2UA";
    private static final String NONCE = "4h_95klXJ5E_qnoN";
    private static final String HEADER = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z"
            + "9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6Tlz"
            + "AC8wEqKK6PBru3jl7A8";
    private static final String PADDED_PLAINTEXT = "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24C";
    private static final String CIPHERTEXT = "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEs"
            + "bI_0LpXMuGvnzQ";
    private static final String BODY = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
            + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
            + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] b64(String text) {
        return P256.fromBase64Url(text);
    }

    private static KeyPair rfcAsKeys() {
        return P256.keyPair(b64(AS_PRIVATE), b64(AS_PUBLIC));
    }

    private static KeyPair rfcUaKeys() {
        return P256.keyPair(b64(UA_PRIVATE), b64(UA_PUBLIC));
    }

    private static byte[] rfcBody() {
        return Aes128Gcm.encrypt(PLAINTEXT.getBytes(StandardCharsets.US_ASCII),
                P256.decodePublicKey(b64(UA_PUBLIC)), b64(AUTH_SECRET), rfcAsKeys(), b64(SALT), 4096);
    }

    @Test
    void rfc8291AppendixAPlaintextIsTheExampleString() {
        assertEquals(PLAINTEXT, new String(b64(PLAINTEXT_B64), StandardCharsets.US_ASCII));
    }

    @Test
    void rfc8291AppendixAIntermediateValuesFromBothSides() {
        byte[] asSide = Rfc8291KeyDerivation.ecdh((ECPrivateKey) rfcAsKeys().getPrivate(),
                P256.decodePublicKey(b64(UA_PUBLIC)));
        byte[] uaSide = Rfc8291KeyDerivation.ecdh((ECPrivateKey) rfcUaKeys().getPrivate(),
                P256.decodePublicKey(b64(AS_PUBLIC)));
        assertArrayEquals(b64(ECDH_SECRET), asSide, "ecdh_secret (application server side)");
        assertArrayEquals(b64(ECDH_SECRET), uaSide, "ecdh_secret (user agent side)");

        byte[] prkKey = Rfc8291KeyDerivation.prkKey(b64(AUTH_SECRET), asSide);
        assertArrayEquals(b64(PRK_KEY), prkKey, "PRK_key");
        byte[] keyInfo = Rfc8291KeyDerivation.keyInfo(b64(UA_PUBLIC), b64(AS_PUBLIC));
        assertArrayEquals(b64(KEY_INFO), keyInfo, "key_info");
        byte[] ikm = Rfc8291KeyDerivation.ikm(prkKey, keyInfo);
        assertArrayEquals(b64(IKM), ikm, "IKM");
        byte[] prk = Rfc8291KeyDerivation.prk(b64(SALT), ikm);
        assertArrayEquals(b64(PRK), prk, "PRK");
        assertArrayEquals(b64(CEK_INFO), Rfc8291KeyDerivation.CEK_INFO, "cek_info");
        assertArrayEquals(b64(CEK), Rfc8291KeyDerivation.cek(prk), "CEK");
        assertArrayEquals(b64(NONCE_INFO), Rfc8291KeyDerivation.NONCE_INFO, "nonce_info");
        assertArrayEquals(b64(NONCE), Rfc8291KeyDerivation.nonce(prk), "NONCE");
    }

    @Test
    void rfc8291AppendixABodyByteForByte() {
        byte[] body = rfcBody();
        assertEquals(BODY, P256.base64Url(body));
        // 86 header + 41 plaintext + 1 delimiter + 16 tag. (Section 5's request says
        // "Content-Length: 145", but the body it prints decodes to these 144 bytes.)
        assertEquals(144, body.length);
        assertArrayEquals(b64(HEADER), Arrays.copyOf(body, Aes128Gcm.HEADER_LENGTH), "86-octet header");
        assertArrayEquals(b64(CIPHERTEXT), Arrays.copyOfRange(body, Aes128Gcm.HEADER_LENGTH, body.length), "ciphertext");
    }

    @Test
    void rfc8291AppendixABodyDecryptsWithTheUserAgentKeys() throws Exception {
        byte[] plaintext = Aes128Gcm.decrypt(b64(BODY), rfcUaKeys(), b64(AUTH_SECRET));
        assertEquals(PLAINTEXT, new String(plaintext, StandardCharsets.US_ASCII));
    }

    @Test
    void rfc8291AppendixAPaddedPlaintextIsPlaintextAndDelimiter() throws Exception {
        byte[] record = decryptRecord(b64(BODY));
        assertArrayEquals(b64(PADDED_PLAINTEXT), record);
    }

    @Test
    void roundTripsWithRandomKeysAtEverySizeEdge() throws Exception {
        for (int length : new int[] {0, 1, 15, 16, 17, 100, 3992, Aes128Gcm.MAX_PLAINTEXT_LENGTH}) {
            KeyPair ua = P256.generateKeyPair();
            byte[] auth = randomBytes(16);
            byte[] plaintext = randomBytes(length);
            byte[] body = Aes128Gcm.encrypt(plaintext, (ECPublicKey) ua.getPublic(), auth);
            assertEquals(Aes128Gcm.HEADER_LENGTH + length + 1 + 16, body.length, "body length for " + length);
            assertArrayEquals(plaintext, Aes128Gcm.decrypt(body, ua, auth), "round trip of " + length + " bytes");
        }
    }

    @Test
    void theLargestPlaintextMakesA4096ByteBody() {
        KeyPair ua = P256.generateKeyPair();
        byte[] body = Aes128Gcm.encrypt(new byte[3993], (ECPublicKey) ua.getPublic(), randomBytes(16));
        assertEquals(4096, body.length);
    }

    @Test
    void roundTripsWithPadding() throws Exception {
        KeyPair ua = P256.generateKeyPair();
        byte[] auth = randomBytes(16);
        byte[] plaintext = "ring".getBytes(StandardCharsets.US_ASCII);
        byte[] body = Aes128Gcm.encrypt(plaintext, (ECPublicKey) ua.getPublic(), auth, 100);
        assertEquals(Aes128Gcm.HEADER_LENGTH + 4 + 1 + 100 + 16, body.length);
        assertArrayEquals(plaintext, Aes128Gcm.decrypt(body, ua, auth));
    }

    @Test
    void eachMessageHasAFreshSaltAndEphemeralKey() {
        KeyPair ua = P256.generateKeyPair();
        byte[] auth = randomBytes(16);
        byte[] first = Aes128Gcm.encrypt(new byte[10], (ECPublicKey) ua.getPublic(), auth);
        byte[] second = Aes128Gcm.encrypt(new byte[10], (ECPublicKey) ua.getPublic(), auth);
        assertFalse(Arrays.equals(Arrays.copyOf(first, 16), Arrays.copyOf(second, 16)), "salt reused");
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, 21, 86), Arrays.copyOfRange(second, 21, 86)),
                "ephemeral key reused");
    }

    @Test
    void headerCarriesRecordSize4096AndTheApplicationServerKey() {
        byte[] body = rfcBody();
        ByteBuffer header = ByteBuffer.wrap(body, 16, 5);
        assertEquals(4096, header.getInt());
        assertEquals(65, header.get());
        assertArrayEquals(b64(AS_PUBLIC), Arrays.copyOfRange(body, 21, 86));
    }

    @Test
    void oversizedPlaintextIsRefused() {
        ECPublicKey ua = (ECPublicKey) P256.generateKeyPair().getPublic();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Aes128Gcm.encrypt(new byte[Aes128Gcm.MAX_PLAINTEXT_LENGTH + 1], ua, randomBytes(16)));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Aes128Gcm.encrypt(new byte[3900], ua, randomBytes(16), 94));
    }

    @Test
    void badEncryptionInputsAreRefused() {
        ECPublicKey ua = (ECPublicKey) P256.generateKeyPair().getPublic();
        assertThrows(IllegalArgumentException.class, () -> Aes128Gcm.encrypt(new byte[1], ua, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> Aes128Gcm.encrypt(new byte[1], ua, new byte[16], -1));
        assertThrows(IllegalArgumentException.class, () -> Aes128Gcm.encrypt(new byte[100], ua, new byte[16],
                rfcAsKeys(), new byte[16], 50));
        assertThrows(IllegalArgumentException.class, () -> Aes128Gcm.encrypt(new byte[1], ua, new byte[16],
                rfcAsKeys(), new byte[15], 4096));
    }

    @Test
    void tamperedCiphertextIsRefused() {
        byte[] body = b64(BODY);
        for (int index : new int[] {Aes128Gcm.HEADER_LENGTH, body.length / 2 + 40, body.length - 1}) {
            byte[] tampered = body.clone();
            tampered[index] ^= 0x01;
            Aes128Gcm.DecryptionException e = assertThrows(Aes128Gcm.DecryptionException.class,
                    () -> Aes128Gcm.decrypt(tampered, rfcUaKeys(), b64(AUTH_SECRET)));
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        }
    }

    @Test
    void tamperedSaltIsRefused() {
        byte[] tampered = b64(BODY);
        tampered[3] ^= 0x40;
        assertThrows(Aes128Gcm.DecryptionException.class, () -> Aes128Gcm.decrypt(tampered, rfcUaKeys(), b64(AUTH_SECRET)));
    }

    @Test
    void wrongAuthSecretIsRefused() {
        byte[] wrong = b64(AUTH_SECRET);
        wrong[0] ^= 1;
        assertThrows(Aes128Gcm.DecryptionException.class, () -> Aes128Gcm.decrypt(b64(BODY), rfcUaKeys(), wrong));
        assertThrows(Aes128Gcm.DecryptionException.class, () -> Aes128Gcm.decrypt(b64(BODY), rfcUaKeys(), new byte[12]));
    }

    @Test
    void wrongUserAgentKeysAreRefused() {
        assertThrows(Aes128Gcm.DecryptionException.class,
                () -> Aes128Gcm.decrypt(b64(BODY), P256.generateKeyPair(), b64(AUTH_SECRET)));
    }

    @Test
    void truncatedBodiesAreRefused() {
        byte[] body = b64(BODY);
        for (int length : new int[] {0, 1, 16, 20, 21, 50, 85, 86, 86 + 16}) {
            byte[] truncated = Arrays.copyOf(body, length);
            assertThrows(Aes128Gcm.DecryptionException.class,
                    () -> Aes128Gcm.decrypt(truncated, rfcUaKeys(), b64(AUTH_SECRET)), "length " + length);
        }
        byte[] shortTag = Arrays.copyOf(body, body.length - 1);
        assertThrows(Aes128Gcm.DecryptionException.class,
                () -> Aes128Gcm.decrypt(shortTag, rfcUaKeys(), b64(AUTH_SECRET)));
    }

    @Test
    void badHeaderFieldsAreRefused() {
        byte[] smallRecordSize = b64(BODY);
        ByteBuffer.wrap(smallRecordSize).putInt(16, 17);
        assertMessage(smallRecordSize, "record size");

        byte[] twoRecords = b64(BODY);
        ByteBuffer.wrap(twoRecords).putInt(16, 40); // the 59-byte record no longer fits one record
        assertMessage(twoRecords, "more than one record");

        byte[] wrongIdLength = b64(BODY);
        wrongIdLength[20] = 64;
        assertMessage(wrongIdLength, "idlen");

        byte[] offCurveKeyId = b64(BODY);
        offCurveKeyId[85] ^= 1;
        assertMessage(offCurveKeyId, "keyid");
    }

    @Test
    void missingOrWrongPaddingDelimiterIsRefused() throws Exception {
        KeyPair ua = rfcUaKeys();
        byte[] auth = b64(AUTH_SECRET);
        assertMessage(bodyWithRecord(new byte[] {'h', 'i', 0, 0}), "0x69"); // 'i' taken as the delimiter
        assertMessage(bodyWithRecord(new byte[] {0, 0, 0}), "no padding delimiter");
        assertMessage(bodyWithRecord(new byte[] {'h', 'i', 0x01, 0}), "0x01");
        assertMessage(bodyWithRecord(new byte[] {'h', 'i', 0x03}), "0x03");
        assertArrayEquals(new byte[] {'h', 'i'}, Aes128Gcm.decrypt(bodyWithRecord(new byte[] {'h', 'i', 2, 0, 0}), ua, auth));
    }

    private static void assertMessage(byte[] body, String expected) {
        Aes128Gcm.DecryptionException e = assertThrows(Aes128Gcm.DecryptionException.class,
                () -> Aes128Gcm.decrypt(body, rfcUaKeys(), b64(AUTH_SECRET)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** The RFC header with a record encrypted here, delimiter and padding as given. */
    private static byte[] bodyWithRecord(byte[] record) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(b64(CEK), "AES"), new GCMParameterSpec(128, b64(NONCE)));
        byte[] ciphertext = cipher.doFinal(record);
        return ByteBuffer.allocate(86 + ciphertext.length).put(b64(HEADER)).put(ciphertext).array();
    }

    /** AES-GCM with the RFC's CEK and NONCE, written independently of Aes128Gcm. */
    private static byte[] decryptRecord(byte[] body) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(b64(CEK), "AES"), new GCMParameterSpec(128, b64(NONCE)));
        return cipher.doFinal(body, 86, body.length - 86);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
