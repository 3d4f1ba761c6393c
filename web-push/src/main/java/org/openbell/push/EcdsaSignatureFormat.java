package org.openbell.push;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Converts P-256 ECDSA signatures between the DER {@code SEQUENCE { INTEGER r, INTEGER s }} that
 * the JDK's {@code SHA256withECDSA} reads and writes and the raw 64-byte {@code R || S} (each
 * 32 bytes, big-endian, left-padded with zeros) that JWS ES256 uses (RFC 7518 section 3.4).
 */
final class EcdsaSignatureFormat {

    static final int RAW_LENGTH = 2 * P256.SCALAR_LENGTH;

    private EcdsaSignatureFormat() {}

    /**
     * DER to raw {@code R || S}.
     *
     * @throws IllegalArgumentException if it is not a well-formed DER signature with 32-byte-or-less
     *     positive integers and nothing after them
     */
    static byte[] derToRaw(byte[] der) {
        int[] position = {0};
        if (der.length < 2 || der[position[0]++] != 0x30) {
            throw new IllegalArgumentException("DER signature must start with a SEQUENCE");
        }
        int sequenceLength = readLength(der, position);
        if (position[0] + sequenceLength != der.length) {
            throw new IllegalArgumentException("DER signature SEQUENCE length does not match its size");
        }
        byte[] raw = new byte[RAW_LENGTH];
        readInteger(der, position, raw, 0);
        readInteger(der, position, raw, P256.SCALAR_LENGTH);
        if (position[0] != der.length) {
            throw new IllegalArgumentException("DER signature has bytes after S");
        }
        return raw;
    }

    /**
     * Raw {@code R || S} to DER (minimal INTEGERs: leading zeros dropped, one 0x00 added when the
     * top bit is set).
     *
     * @throws IllegalArgumentException if it is not 64 bytes
     */
    static byte[] rawToDer(byte[] raw) {
        if (raw.length != RAW_LENGTH) {
            throw new IllegalArgumentException("ES256 signature must be " + RAW_LENGTH + " bytes, got " + raw.length);
        }
        byte[] r = derInteger(Arrays.copyOfRange(raw, 0, P256.SCALAR_LENGTH));
        byte[] s = derInteger(Arrays.copyOfRange(raw, P256.SCALAR_LENGTH, RAW_LENGTH));
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + r.length + s.length);
        out.write(0x30);
        writeLength(out, r.length + s.length);
        out.writeBytes(r);
        out.writeBytes(s);
        return out.toByteArray();
    }

    private static byte[] derInteger(byte[] unsigned) {
        int start = 0;
        while (start < unsigned.length - 1 && unsigned[start] == 0) {
            start++;
        }
        boolean pad = (unsigned[start] & 0x80) != 0;
        int length = unsigned.length - start + (pad ? 1 : 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 3);
        out.write(0x02);
        writeLength(out, length);
        if (pad) {
            out.write(0);
        }
        out.write(unsigned, start, unsigned.length - start);
        return out.toByteArray();
    }

    private static void readInteger(byte[] der, int[] position, byte[] raw, int offset) {
        if (position[0] >= der.length || der[position[0]++] != 0x02) {
            throw new IllegalArgumentException("DER signature must hold two INTEGERs");
        }
        int length = readLength(der, position);
        if (length == 0 || position[0] + length > der.length) {
            throw new IllegalArgumentException("DER signature INTEGER has a bad length");
        }
        int start = position[0];
        int end = start + length;
        if ((der[start] & 0x80) != 0) {
            throw new IllegalArgumentException("DER signature INTEGER is negative");
        }
        while (start < end - 1 && der[start] == 0) {
            start++;
        }
        if (end - start > P256.SCALAR_LENGTH) {
            throw new IllegalArgumentException("DER signature INTEGER is longer than 32 bytes");
        }
        System.arraycopy(der, start, raw, offset + P256.SCALAR_LENGTH - (end - start), end - start);
        position[0] = end;
    }

    /** Short form, or long form with one length byte (P-256 signatures are under 128 bytes anyway). */
    private static int readLength(byte[] der, int[] position) {
        if (position[0] >= der.length) {
            throw new IllegalArgumentException("DER signature is truncated");
        }
        int first = der[position[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        if (first != 0x81 || position[0] >= der.length) {
            throw new IllegalArgumentException("DER signature has an unsupported length form");
        }
        int length = der[position[0]++] & 0xff;
        if (length < 0x80) {
            throw new IllegalArgumentException("DER signature length is not minimal");
        }
        return length;
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length >= 0x80) {
            out.write(0x81);
        }
        out.write(length);
    }
}
