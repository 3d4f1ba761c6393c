package org.openbell.media.worker;

import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A moving test pattern (grey ramp, a sweeping bar, a blinking block each second) pushed as raw
 * I420 frames at a fixed rate, the default camera of the demo and tests.
 */
final class SyntheticVideo implements FrameFeed {

    private final FrameSink source;
    private final int width;
    private final int height;
    private final ScheduledExecutorService timer;
    private final AtomicLong frames = new AtomicLong();
    private final byte[] row;

    SyntheticVideo(FrameSink source, int width, int height, int fps) {
        this.source = source;
        this.width = width;
        this.height = height;
        this.row = new byte[width * 2];
        for (int x = 0; x < row.length; x++) {
            row[x] = (byte) (16 + (x % width) * 219 / width);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("video-source").factory());
        long period = 1_000_000_000L / fps;
        timer.scheduleAtFixedRate(this::frame, 0, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public long frames() {
        return frames.get();
    }

    @Override
    public String description() {
        return "synthetic test pattern " + width + "x" + height;
    }

    private void frame() {
        long n = frames.getAndIncrement();
        NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
        ByteBuffer y = buffer.getDataY();
        int shift = (int) (n * 4 % width);
        int bar = (int) (n * 8 % width);
        for (int line = 0; line < height; line++) {
            y.position(line * buffer.getStrideY());
            y.put(row, shift, width);
            for (int x = bar; x < Math.min(width, bar + 24); x++) {
                y.put(line * buffer.getStrideY() + x, (byte) 235);
            }
        }
        boolean blink = (System.currentTimeMillis() / 500) % 2 == 0;
        for (int line = 16; line < Math.min(height, 80); line++) {
            for (int x = 16; x < Math.min(width, 80); x++) {
                y.put(line * buffer.getStrideY() + x, (byte) (blink ? 235 : 16));
            }
        }
        stamp(y, buffer.getStrideY(), System.currentTimeMillis());
        fill(buffer.getDataU(), buffer.getStrideU(), (height + 1) / 2, (byte) (128 + (n % 64) - 32));
        fill(buffer.getDataV(), buffer.getStrideV(), (height + 1) / 2, (byte) 160);
        VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
        try {
            source.pushFrame(frame);
        } finally {
            frame.release();
        }
    }

    /** Bits of the capture-time code: 2 marker bits (1, 0), then the wall-clock ms modulo 2^22. */
    static final int STAMP_BITS = 24;

    /**
     * Writes the capture time as a row of black and white blocks along the bottom edge, which
     * survives encoding; the owner page reads it back from decoded frames to measure
     * glass-to-glass latency (benchmarks).
     */
    private void stamp(ByteBuffer y, int stride, long millis) {
        int block = width / STAMP_BITS;
        int top = height - block - 4;
        if (block < 4 || top < 0) {
            return;
        }
        long code = (2L << 22) | (millis & ((1 << 22) - 1));
        for (int bit = 0; bit < STAMP_BITS; bit++) {
            boolean one = ((code >> (STAMP_BITS - 1 - bit)) & 1) == 1;
            byte value = (byte) (one ? 235 : 16);
            for (int line = top; line < top + block; line++) {
                int start = line * stride + bit * block;
                for (int x = 0; x < block; x++) {
                    y.put(start + x, value);
                }
            }
        }
    }

    private static void fill(ByteBuffer plane, int stride, int rows, byte value) {
        byte[] line = new byte[stride];
        java.util.Arrays.fill(line, value);
        plane.position(0);
        for (int r = 0; r < rows; r++) {
            plane.put(line, 0, Math.min(stride, plane.remaining()));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
