package org.openbell.media.worker;

import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.nio.ByteBuffer;

/**
 * A copy of one camera frame in I420 (full-size luma, half-size chroma planes, packed without
 * row padding), kept after the native frame is released: what a snapshot is encoded from.
 */
record I420Image(int width, int height, byte[] y, byte[] u, byte[] v) {

    I420Image {
        if (width < 2 || height < 2 || y.length != width * height
                || u.length != chromaWidth(width) * chromaHeight(height) || v.length != u.length) {
            throw new IllegalArgumentException("planes do not fit " + width + "x" + height);
        }
    }

    static int chromaWidth(int width) {
        return (width + 1) / 2;
    }

    static int chromaHeight(int height) {
        return (height + 1) / 2;
    }

    /** Copies {@code frame}'s planes (it stays the caller's to release). */
    static I420Image copyOf(VideoFrame frame) {
        if (frame.buffer instanceof I420Buffer i420) {
            return copyOf(i420);
        }
        I420Buffer converted = frame.buffer.toI420(); // a new buffer of ours
        try {
            return copyOf(converted);
        } finally {
            converted.release();
        }
    }

    private static I420Image copyOf(I420Buffer b) {
        int w = b.getWidth();
        int h = b.getHeight();
        int cw = chromaWidth(w);
        int ch = chromaHeight(h);
        return new I420Image(w, h, plane(b.getDataY(), b.getStrideY(), w, h), plane(b.getDataU(), b.getStrideU(), cw, ch),
                plane(b.getDataV(), b.getStrideV(), cw, ch));
    }

    private static byte[] plane(ByteBuffer data, int stride, int width, int rows) {
        byte[] out = new byte[width * rows];
        ByteBuffer view = data.duplicate();
        for (int r = 0; r < rows; r++) {
            view.position(r * stride);
            view.get(out, r * width, width);
        }
        return out;
    }

    /** The mean luma (0-255) over a grid of samples: how bright the picture is. */
    int meanLuma() {
        long sum = 0;
        int n = 0;
        for (int row = 0; row < height; row += 8) {
            for (int x = 0; x < width; x += 8) {
                sum += y[row * width + x] & 0xff;
                n++;
            }
        }
        return (int) (sum / n);
    }

    /** This picture scaled down (box filter) to fit {@code maxWidth} wide, keeping its shape; itself if it already fits. */
    I420Image fitWidth(int maxWidth) {
        if (width <= maxWidth) {
            return this;
        }
        int factor = (width + maxWidth - 1) / maxWidth;
        int w = Math.max(2, width / factor);
        int h = Math.max(2, height / factor);
        return new I420Image(w, h, shrink(y, width, height, w, h, factor),
                shrink(u, chromaWidth(width), chromaHeight(height), chromaWidth(w), chromaHeight(h), factor),
                shrink(v, chromaWidth(width), chromaHeight(height), chromaWidth(w), chromaHeight(h), factor));
    }

    private static byte[] shrink(byte[] plane, int width, int height, int w, int h, int factor) {
        byte[] out = new byte[w * h];
        for (int oy = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++) {
                int sum = 0;
                int n = 0;
                for (int dy = 0; dy < factor && oy * factor + dy < height; dy++) {
                    int row = (oy * factor + dy) * width;
                    for (int dx = 0; dx < factor && ox * factor + dx < width; dx++) {
                        sum += plane[row + ox * factor + dx] & 0xff;
                        n++;
                    }
                }
                out[oy * w + ox] = (byte) (sum / Math.max(1, n));
            }
        }
        return out;
    }
}
