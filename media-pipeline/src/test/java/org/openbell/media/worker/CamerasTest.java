package org.openbell.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onvoid.webrtc.media.video.CustomVideoSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.media.AutoCamera;
import org.openbell.media.MediaOptions;

/** Camera sources pushing real I420 frames into a libwebrtc video source. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CamerasTest {

    static final Path STANDIN = Path.of("src/test/resources/standin/rpicam-vid").toAbsolutePath();

    @org.junit.jupiter.api.BeforeAll
    static void loadLibwebrtc() throws Exception {
        Class.forName(dev.onvoid.webrtc.PeerConnectionFactory.class.getName()); // its static init loads the native library
    }

    @Test
    void aPipeCameraDeliversWholeFramesAndReportsWhenItStops() throws Exception {
        CustomVideoSource source = new CustomVideoSource();
        BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        PipeCamera camera = new PipeCamera(List.of("env", "FAKE_RPICAM_FRAMES=12", STANDIN.toString(), "--width", "320",
                "--height", "240"), 320, 240, source::pushFrame, failures::add);
        try {
            String failure = failures.poll(20, TimeUnit.SECONDS);
            assertTrue(failure != null && failure.contains("the camera stream ended") && failure.contains("after 12 frames"),
                    "failure: " + failure);
            assertEquals(12, camera.frames());
        } finally {
            camera.close();
            source.dispose();
        }
    }

    @Test
    void aMissingCameraGivesAClearErrorAndTheTestPattern() throws Exception {
        CustomVideoSource source = new CustomVideoSource();
        BlockingQueue<String> problems = new LinkedBlockingQueue<>();
        MediaOptions v4l2 = new MediaOptions("v4l2:/dev/video-missing", 320, 240, 15, "headless", Optional.empty(), 0, 0);
        FrameFeed feed = Cameras.open(v4l2, null, source::pushFrame, problems::add, replacement -> { });
        try {
            assertEquals("camera unavailable: no camera at /dev/video-missing; showing the test pattern", problems.poll(1, TimeUnit.SECONDS));
            assertTrue(feed.description().startsWith("synthetic"), feed.description());
            for (int i = 0; i < 100 && feed.frames() < 5; i++) {
                Thread.sleep(20);
            }
            assertTrue(feed.frames() >= 5, "the test pattern runs: " + feed.frames());
        } finally {
            feed.close();
            source.dispose();
        }
    }

    @Test
    void thePiCameraToolIsRpicamVidElseLibcameraVidElseAClearError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        MediaOptions rpicam = new MediaOptions("rpicam", 640, 480, 30, "headless", Optional.empty(), 0, 0);
        java.nio.file.Path both = java.nio.file.Files.createDirectories(dir.resolve("both"));
        java.nio.file.Path old = java.nio.file.Files.createDirectories(dir.resolve("old"));
        for (java.nio.file.Path tool : List.of(both.resolve("rpicam-vid"), both.resolve("libcamera-vid"), old.resolve("libcamera-vid"))) {
            java.nio.file.Files.copy(STANDIN, tool);
        }
        assertEquals("rpicam-vid", Cameras.rpicamCommand(rpicam, both.toString()).get(0), "Raspberry Pi OS bookworm and later");
        List<String> fallback = Cameras.rpicamCommand(rpicam, old.toString());
        assertEquals("libcamera-vid", fallback.get(0), "older Raspberry Pi OS");
        assertTrue(String.join(" ", fallback).contains("--codec yuv420 --width 640 --height 480 --framerate 30 -o -"), fallback.toString());
        IllegalStateException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Cameras.rpicamCommand(rpicam, dir.resolve("empty").toString()));
        assertTrue(none.getMessage().contains("apt-get install rpicam-apps"), none.getMessage());
    }

    @Test
    void autoPrefersThePiCameraToolThenAUsbCameraThenThePattern(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
        java.nio.file.Path dev = java.nio.file.Files.createDirectories(dir.resolve("dev"));
        assertEquals("synthetic", AutoCamera.choose(bin.toString(), dev));
        java.nio.file.Files.writeString(dev.resolve("video12"), ""); // the Pi's codec/ISP nodes are not cameras
        assertEquals("synthetic", AutoCamera.choose(bin.toString(), dev));
        java.nio.file.Files.writeString(dev.resolve("video2"), "");
        java.nio.file.Files.writeString(dev.resolve("video3"), "");
        assertEquals("v4l2:/dev/video2", AutoCamera.choose(bin.toString(), dev), "the lowest: a webcam's capture node");
        java.nio.file.Path tool = java.nio.file.Files.writeString(bin.resolve("libcamera-vid"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        assertEquals("rpicam", AutoCamera.choose(bin.toString(), dev), "the Pi camera tool first");
    }
}
