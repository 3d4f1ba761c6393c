package org.openbell.media.worker;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.MediaDevices;
import dev.onvoid.webrtc.media.video.VideoCaptureCapability;
import dev.onvoid.webrtc.media.video.VideoDevice;
import dev.onvoid.webrtc.media.video.VideoDeviceSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.openbell.media.AutoCamera;
import org.openbell.media.MediaOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the configured camera as a {@link FrameFeed} into the call's video source:
 * {@code synthetic}, {@code rpicam} (rpicam-vid, else libcamera-vid, raw YUV420 on a pipe),
 * {@code v4l2:/dev/videoN} (libwebrtc's V4L2 capturer) or {@code auto} (the first of these found). A camera that is missing or fails later is
 * reported through {@code onProblem} and replaced by the test pattern: the call goes on.
 */
final class Cameras {

    private static final Logger log = LoggerFactory.getLogger(Cameras.class);

    private Cameras() {
    }

    /** The camera, or the test pattern if it cannot be opened (the reason goes to {@code onProblem}). */
    static FrameFeed open(MediaOptions options, PeerConnectionFactory factory, FrameSink target,
            Consumer<String> onProblem, Consumer<FrameFeed> onReplaced) {
        String video = options.video();
        if (video.equals("auto")) {
            video = AutoCamera.choose(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), Path.of("/dev"));
            log.info("Camera (auto): {}", video.equals("synthetic") ? "no Pi camera tool and no USB camera found: the test pattern" : video);
        }
        try {
            if (video.equals("rpicam")) {
                return new PipeCamera(rpicamCommand(options), options.width(), options.height(), target, why -> {
                    onProblem.accept("camera failed: " + why + "; showing the test pattern");
                    onReplaced.accept(synthetic(options, target));
                });
            }
            if (video.startsWith("v4l2:")) {
                return v4l2(video.substring("v4l2:".length()), options, factory, target);
            }
        } catch (RuntimeException e) {
            onProblem.accept("camera unavailable: " + e.getMessage() + "; showing the test pattern");
        }
        return synthetic(options, target);
    }

    static FrameFeed synthetic(MediaOptions options, FrameSink target) {
        return new SyntheticVideo(target, options.width(), options.height(), options.fps());
    }

    /** rpicam-vid (Raspberry Pi OS bookworm and later), else libcamera-vid, found on PATH. */
    static List<String> rpicamCommand(MediaOptions o) {
        return rpicamCommand(o, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** As {@link #rpicamCommand(MediaOptions)}, looking on {@code path} (the PATH's folders). */
    static List<String> rpicamCommand(MediaOptions o, String path) {
        String tool = AutoCamera.onPath("rpicam-vid", path) ? "rpicam-vid" : AutoCamera.onPath("libcamera-vid", path) ? "libcamera-vid" : null;
        if (tool == null) {
            throw new IllegalStateException("neither rpicam-vid nor libcamera-vid is installed (apt-get install rpicam-apps)");
        }
        return new ArrayList<>(List.of(tool, "-t", "0", "-n", "--codec", "yuv420", "--width", String.valueOf(o.width()),
                "--height", String.valueOf(o.height()), "--framerate", String.valueOf(o.fps()), "-o", "-"));
    }

    /** A V4L2 camera through libwebrtc's capturer, its frames forwarded into the call's source. */
    private static FrameFeed v4l2(String device, MediaOptions o, PeerConnectionFactory factory, FrameSink target) {
        if (!Files.exists(Path.of(device))) {
            throw new IllegalStateException("no camera at " + device);
        }
        VideoDevice match = null;
        for (VideoDevice d : MediaDevices.getVideoCaptureDevices()) {
            if (d.getDescriptor().equals(device) || d.getName().equals(device) || device.endsWith(d.getDescriptor())) {
                match = d;
            }
        }
        if (match == null) {
            throw new IllegalStateException(device + " is not a video capture device libwebrtc can open");
        }
        VideoDeviceSource source = new VideoDeviceSource();
        source.setVideoCaptureDevice(match);
        source.setVideoCaptureCapability(new VideoCaptureCapability(o.width(), o.height(), o.fps()));
        VideoTrack tap = factory.createVideoTrack("v4l2-tap", source);
        AtomicLong frames = new AtomicLong();
        tap.addSink(frame -> {
            target.pushFrame(frame);
            frames.incrementAndGet();
        });
        source.start();
        String description = "V4L2 camera " + device + " (" + match.getName() + ") " + o.width() + "x" + o.height();
        log.info("Camera: {}", description);
        return new FrameFeed() {
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
                source.stop();
                tap.dispose();
                source.dispose();
            }
        };
    }
}
