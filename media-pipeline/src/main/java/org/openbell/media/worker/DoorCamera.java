package org.openbell.media.worker;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openbell.media.MediaOptions;
import org.openbell.media.channel.JpegImage;
import org.openbell.media.channel.WorkerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door camera of one worker: the video source the calls send, the camera feeding it
 * ({@link Cameras}), opened on a visitor's press (for the ring's picture) or for a call, and
 * the ring pictures taken from its first good frame. Opened for a picture alone, it stays open
 * for the hold asked for (the call that may follow starts with a running camera, its exposure
 * settled) and then closes; opened for a call, until the worker exits.
 * Methods other than {@link #pushFrame} run on the worker loop.
 */
final class DoorCamera implements FrameSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DoorCamera.class);

    /** The most a ring picture takes: it travels base64 in one MQTT message of at most 64 KiB. */
    static final int PICTURE_MAX_BYTES = 45_000;
    /** The most a thumbnail takes: it travels base64 in one push message of at most ~4 KB, with the rest of a {@code snapshot}. */
    static final int THUMBNAIL_MAX_BYTES = 2_600;
    static final int THUMBNAIL_MAX_WIDTH = 160;
    /** A frame this dark or bright is the sensor starting (or the lens covered): wait for a better one. */
    static final int MIN_LUMA = 12;
    static final int MAX_LUMA = 243;
    /** ...but no longer than this after the request: a dark night is still a picture. */
    static final long GOOD_FRAME_WAIT_MS = 1000;

    private record Grab(String ringId, long requestedNanos) {
    }

    private final MediaOptions options;
    private final PeerConnectionFactory factory;
    private final Out out;
    private final Executor loop;
    private final CustomVideoSource source = new CustomVideoSource();
    private final ExecutorService encoder = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("snapshot-encoder").factory());
    private final AtomicLong framesSinceOpen = new AtomicLong();
    /** Pictures asked for and not yet taken; guarded by itself (the camera thread takes them). */
    private final List<Grab> grabs = new ArrayList<>();

    private volatile FrameFeed feed;
    private boolean forCall;
    private long holdUntilNanos;
    private boolean closed;

    DoorCamera(MediaOptions options, PeerConnectionFactory factory, Out out, Executor loop) {
        this.options = options;
        this.factory = factory;
        this.out = out;
        this.loop = loop;
    }

    /** The video source calls make their tracks from. */
    CustomVideoSource source() {
        return source;
    }

    /** The camera now feeding the source, if open (for a call's figures). */
    Optional<FrameFeed> feed() {
        return Optional.ofNullable(feed);
    }

    /** Opens the camera (if not open) for a call: it stays open until the worker exits. */
    void openForCall(String session) {
        forCall = true;
        open(session);
    }

    /** Opens the camera (if not open), takes ring {@code ringId}'s picture, and keeps the camera open {@code holdMs} at least. */
    void snapshot(String ringId, long holdMs) {
        long requested = System.nanoTime(); // the camera's opening counts too
        open(ringId);
        synchronized (grabs) {
            grabs.add(new Grab(ringId, requested));
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs);
        if (!forCall && until - holdUntilNanos > 0) {
            holdUntilNanos = until;
            CompletableFuture.delayedExecutor(holdMs + 50, TimeUnit.MILLISECONDS, loop).execute(this::holdEnded);
        }
    }

    private void holdEnded() {
        if (closed || forCall || feed == null || System.nanoTime() - holdUntilNanos < 0) {
            return;
        }
        synchronized (grabs) {
            if (!grabs.isEmpty()) {
                return; // a picture is still coming; the next hold or the exit closes it
            }
        }
        log.info("Camera closed: no call followed the ring ({} frames)", feed.frames());
        feed.close();
        feed = null;
    }

    private void open(String forWhat) {
        if (feed != null || closed) {
            return;
        }
        framesSinceOpen.set(0);
        feed = Cameras.open(options, factory, this,
                problem -> {
                    log.warn("{}: {}", forWhat, problem);
                    out.send(WorkerEvent.Problem.about(Optional.empty(), problem));
                },
                replacement -> loop.execute(() -> {
                    if (closed || feed == null) {
                        replacement.close();
                    } else {
                        feed = replacement;
                    }
                }));
        log.info("Camera opened for {}: {}", forWhat, feed.description());
    }

    /** From the camera's thread: to the calls, and to the pictures waiting for a good frame. */
    @Override
    public void pushFrame(VideoFrame frame) {
        source.pushFrame(frame);
        long n = framesSinceOpen.incrementAndGet();
        List<Grab> taking;
        synchronized (grabs) {
            if (grabs.isEmpty()) {
                return;
            }
            taking = List.copyOf(grabs);
        }
        I420Image image = I420Image.copyOf(frame);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - taking.getFirst().requestedNanos());
        int luma = image.meanLuma();
        boolean settling = n <= settleFrames() || luma < MIN_LUMA || luma > MAX_LUMA;
        if (settling && waitedMs < GOOD_FRAME_WAIT_MS) {
            return;
        }
        synchronized (grabs) {
            grabs.removeAll(taking);
        }
        long frameNanos = System.nanoTime();
        encoder.execute(() -> encode(image, taking, frameNanos));
    }

    /** Frames a real camera sends before its exposure is worth a look; the test pattern needs none. */
    private int settleFrames() {
        FrameFeed f = feed;
        return f instanceof SyntheticVideo ? 0 : 2;
    }

    private void encode(I420Image image, List<Grab> taking, long frameNanos) {
        long start = System.nanoTime();
        Optional<JpegImage> picture;
        Optional<JpegImage> thumbnail;
        try {
            picture = JpegEncoder.fit(image, Math.min(image.width(), options.width()), PICTURE_MAX_BYTES);
            thumbnail = JpegEncoder.fit(image, THUMBNAIL_MAX_WIDTH, THUMBNAIL_MAX_BYTES);
        } catch (RuntimeException | Error e) { // a broken encoder must not take the camera down
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            out.send(WorkerEvent.Problem.about(Optional.empty(), "could not encode the ring's picture: " + e));
            return;
        }
        long encodeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (picture.isEmpty()) {
            out.send(WorkerEvent.Problem.about(Optional.empty(), "the ring's picture does not fit " + PICTURE_MAX_BYTES + " bytes"));
            return;
        }
        for (Grab grab : taking) {
            long cameraMs = TimeUnit.NANOSECONDS.toMillis(frameNanos - grab.requestedNanos());
            out.send(new WorkerEvent.SnapshotTaken(grab.ringId(), picture.get(), thumbnail, cameraMs, encodeMs));
            log.info("Ring {}: picture {} ({} bytes, thumbnail {}) from a frame {} ms after the press, encoded in {} ms",
                    grab.ringId(), picture.get().width() + "x" + picture.get().height(), picture.get().size(),
                    thumbnail.map(t -> t.size() + " bytes").orElse("none"), cameraMs, encodeMs);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (feed != null) {
            feed.close();
            feed = null;
        }
        encoder.shutdown();
        try {
            encoder.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            source.dispose();
        } catch (Throwable t) {
            log.debug("dispose: {}", t.toString());
        }
    }
}
