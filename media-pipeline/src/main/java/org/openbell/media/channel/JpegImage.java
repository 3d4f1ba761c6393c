package org.openbell.media.channel;

import java.util.Arrays;

/** A JPEG picture and its size in pixels (the bytes are copied in and out: the record stays immutable). */
public record JpegImage(int width, int height, byte[] bytes) {

    /** The largest picture the channel carries (a snapshot must also fit an MQTT message, base64). */
    public static final int MAX_BYTES = 160 * 1024;

    public JpegImage {
        Checks.atLeast("width", width, 1);
        Checks.atMost("width", width, 8192);
        Checks.atLeast("height", height, 1);
        Checks.atMost("height", height, 8192);
        if (bytes == null || bytes.length < 4 || bytes.length > MAX_BYTES) {
            throw new WorkerChannelException("a JPEG must be 4-" + MAX_BYTES + " bytes");
        }
        if ((bytes[0] & 0xff) != 0xff || (bytes[1] & 0xff) != 0xd8
                || (bytes[bytes.length - 2] & 0xff) != 0xff || (bytes[bytes.length - 1] & 0xff) != 0xd9) {
            throw new WorkerChannelException("not a JPEG (it must start with FF D8 and end with FF D9)");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many bytes the picture takes. */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JpegImage o && o.width == width && o.height == height && Arrays.equals(o.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "JpegImage[" + width + "x" + height + ", " + bytes.length + " bytes]";
    }
}
