package org.openbell.media.worker;

import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera process writing raw YUV420 (I420) frames to stdout, the way the Raspberry Pi camera
 * tools do ({@code rpicam-vid --codec yuv420 -o -}). Each frame is read whole and pushed into the
 * call's video source; when the process ends or the pipe breaks, {@code onFailure} says why.
 */
final class PipeCamera implements FrameFeed {

    private static final Logger log = LoggerFactory.getLogger(PipeCamera.class);

    private final Process process;
    private final String description;
    private final AtomicLong frames = new AtomicLong();
    private final Thread reader;
    private volatile boolean closed;

    PipeCamera(List<String> command, int width, int height, FrameSink target, Consumer<String> onFailure) {
        this.description = String.join(" ", command);
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the camera (" + command.getFirst() + "): " + e.getMessage(), e);
        }
        reader = Thread.ofPlatform().daemon().name("camera-pipe").start(() -> {
            String why;
            try {
                read(process.getInputStream(), width, height, target);
                why = "the camera stream ended";
            } catch (EOFException e) {
                why = "the camera stream ended";
            } catch (IOException e) {
                why = "the camera stream broke: " + e.getMessage();
            }
            if (!closed) {
                try {
                    process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
                onFailure.accept(why + exit + " after " + frames.get() + " frames: " + description);
            }
        });
    }

    private void read(InputStream in, int width, int height, FrameSink target) throws IOException {
        int ySize = width * height;
        int cSize = (width / 2) * (height / 2);
        byte[] frame = new byte[ySize + 2 * cSize];
        DataInputStream data = new DataInputStream(in);
        while (!closed) {
            data.readFully(frame);
            NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
            copy(frame, 0, width, height, buffer.getDataY(), buffer.getStrideY());
            copy(frame, ySize, width / 2, height / 2, buffer.getDataU(), buffer.getStrideU());
            copy(frame, ySize + cSize, width / 2, height / 2, buffer.getDataV(), buffer.getStrideV());
            VideoFrame video = new VideoFrame(buffer, System.nanoTime());
            try {
                target.pushFrame(video);
            } finally {
                video.release();
            }
            frames.incrementAndGet();
        }
    }

    private static void copy(byte[] from, int offset, int width, int rows, ByteBuffer to, int stride) {
        for (int r = 0; r < rows; r++) {
            to.position(r * stride);
            to.put(from, offset + r * width, width);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long frames() {
        return frames.get();
    }

    @Override
    public void close() {
        closed = true;
        process.destroy();
        reader.interrupt();
        log.debug("camera pipe closed after {} frames", frames.get());
    }
}
