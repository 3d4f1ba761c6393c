package org.openbell.signaling;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The picture of who rang (revision 1.3, "Pictures"): a JPEG of the door camera's first good frame
 * after the press of ring {@code ringId}, taken at {@code takenAt}. Sent to every owner with the
 * ring, and to one owner in reply to its {@link SnapshotRequest} ({@code requestId} then names it).
 */
public record Snapshot(String deviceId, String ringId, Optional<String> requestId, Instant takenAt, int width, int height,
        byte[] jpeg, Instant at) implements Message {

    /** The largest JPEG a snapshot carries: base64 (61440 characters) and the rest fit one 64 KiB message. */
    public static final int MAX_JPEG_BYTES = 46080;
    /** The widest (and highest) picture, in pixels. */
    public static final int MAX_DIMENSION = 4096;

    public Snapshot {
        Ids.requireValid("deviceId", deviceId);
        Ids.requireValid("ringId", ringId);
        Objects.requireNonNull(requestId, "requestId").ifPresent(r -> Ids.requireValid("requestId", r));
        takenAt = Times.require("takenAt", takenAt);
        if (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION) {
            throw new IllegalArgumentException("width and height must be 1-" + MAX_DIMENSION + ", were " + width + "x" + height);
        }
        if (!isJpeg(jpeg)) {
            throw new IllegalArgumentException("jpeg must be a JPEG (FF D8 ... FF D9) of at most " + MAX_JPEG_BYTES + " bytes");
        }
        jpeg = jpeg.clone();
        at = Times.require("at", at);
    }

    /** Whether {@code bytes} has a JPEG's start and end markers and fits a snapshot. */
    public static boolean isJpeg(byte[] bytes) {
        return bytes != null && bytes.length >= 4 && bytes.length <= MAX_JPEG_BYTES
                && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
                && (bytes[bytes.length - 2] & 0xff) == 0xff && (bytes[bytes.length - 1] & 0xff) == 0xd9;
    }

    /** The JPEG in base64 (RFC 4648 section 4, with padding), as on the wire. */
    public String jpegBase64() {
        return Base64.getEncoder().encodeToString(jpeg);
    }

    @Override
    public byte[] jpeg() {
        return jpeg.clone();
    }

    /** The same picture in reply to an owner's request. */
    public Snapshot inReplyTo(String request, Instant now) {
        return new Snapshot(deviceId, ringId, Optional.of(request), takenAt, width, height, jpeg, now);
    }

    @Override
    public MessageType type() {
        return MessageType.SNAPSHOT;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot s && s.deviceId.equals(deviceId) && s.ringId.equals(ringId) && s.requestId.equals(requestId)
                && s.takenAt.equals(takenAt) && s.width == width && s.height == height && Arrays.equals(s.jpeg, jpeg) && s.at.equals(at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, ringId, requestId, takenAt, width, height, Arrays.hashCode(jpeg), at);
    }

    @Override
    public String toString() {
        return "Snapshot[" + deviceId + ", ring " + ringId + requestId.map(r -> ", request " + r).orElse("") + ", " + width + "x"
                + height + ", " + jpeg.length + " bytes, taken " + takenAt + "]";
    }
}
