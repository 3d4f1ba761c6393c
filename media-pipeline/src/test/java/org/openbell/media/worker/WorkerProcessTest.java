package org.openbell.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.media.channel.EndReason;
import org.openbell.media.channel.WorkerChannel;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.media.channel.WorkerRequest;

/**
 * The worker process and its channel ({@link WorkerChannel} lines), with real libwebrtc: ready, an offer with
 * H.264 first, a camera that fails mid-call falling back to the test pattern, stats, hang-up, exit.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkerProcessTest {

    @Test
    void aWorkerServesOneCallAndSurvivesItsCameraFailing() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "--video", "rpicam", "--size", "320x240", "--fps", "15"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PATH", CamerasTest.STANDIN.getParent() + ":" + System.getenv("PATH"));
        builder.environment().put("FAKE_RPICAM_FRAMES", "20");
        Process worker = builder.start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                OutputStream requests = worker.getOutputStream()) {
            assertTrue(next(events, WorkerEvent.Ready.class).pid() > 0);
            send(requests, new WorkerRequest.StartCall("s1", List.of()));
            String sdp = next(events, WorkerEvent.OfferMade.class).sdp();
            String video = sdp.substring(sdp.indexOf("m=video"));
            String firstPayload = video.split("\r\n")[0].split(" ")[3];
            assertTrue(video.contains("a=rtpmap:" + firstPayload + " H264/90000"), "H.264 is preferred: " + video.split("\r\n")[0]);
            assertTrue(video.contains("a=fmtp:" + firstPayload + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
                    "constrained baseline, packetization-mode 1 first");

            WorkerEvent.Problem problem = next(events, WorkerEvent.Problem.class);
            assertTrue(problem.message().startsWith("camera failed: the camera stream ended"), problem.toString());
            Thread.sleep(500);
            send(requests, new WorkerRequest.GetStats("s1"));
            WorkerEvent.Stats stats = next(events, WorkerEvent.Stats.class);
            assertTrue(stats.figures().path("camera").asText().startsWith("synthetic"), "fell back to the test pattern: " + stats);

            send(requests, "{\"op\":\"not-an-op\"}");
            assertTrue(next(events, WorkerEvent.Problem.class).message().contains("unknown request op"));
            send(requests, "{\"op\":\"answer\",\"session\":\"s1\",\"sdp\":\"\"}");
            assertTrue(next(events, WorkerEvent.Problem.class).message().contains("sdp must be"), "an empty answer is refused by the channel");
            send(requests, new WorkerRequest.GetStats("another-session"));
            assertTrue(next(events, WorkerEvent.Problem.class).message().contains("not another-session"));
            send(requests, new WorkerRequest.EndCall("s1", EndReason.NORMAL));
            assertEquals(EndReason.NORMAL, next(events, WorkerEvent.CallEnded.class).reason());
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its call");
        assertEquals(0, worker.exitValue());
    }

    /**
     * A press: the camera opens, the ring's picture is taken from its first good frame (not the
     * black ones a sensor starts with), small enough for one MQTT message and its thumbnail for one
     * push; the call that follows uses the camera already running.
     */
    @Test
    void aRingsPictureComesFromTheFirstGoodFrameAndTheCallUsesTheRunningCamera() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), "--video", "rpicam", "--size", "320x240", "--fps", "30"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PATH", CamerasTest.STANDIN.getParent() + ":" + System.getenv("PATH"));
        builder.environment().put("FAKE_RPICAM_FRAMES", "600");
        builder.environment().put("FAKE_RPICAM_DARK", "6");
        Process worker = builder.start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                OutputStream requests = worker.getOutputStream()) {
            next(events, WorkerEvent.Ready.class);
            send(requests, new WorkerRequest.TakeSnapshot("r1", 60_000));
            WorkerEvent.SnapshotTaken taken = next(events, WorkerEvent.SnapshotTaken.class);
            assertEquals("r1", taken.ringId());
            assertEquals(320, taken.picture().width());
            assertEquals(240, taken.picture().height());
            assertTrue(taken.picture().size() <= DoorCamera.PICTURE_MAX_BYTES, taken.toString());
            java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(taken.picture().bytes()));
            assertEquals(320, picture.getWidth());
            int grey = picture.getRGB(160, 120) & 0xff;
            assertTrue(grey > 100 && grey < 160, "the first good frame (grey), not a black one: " + grey);
            var thumbnail = taken.thumbnail().orElseThrow();
            assertEquals(160, thumbnail.width());
            assertTrue(thumbnail.size() <= DoorCamera.THUMBNAIL_MAX_BYTES, thumbnail.toString());
            assertTrue(taken.cameraMs() >= 150, "six black frames at 30 fps come first: " + taken.cameraMs() + " ms");

            send(requests, new WorkerRequest.StartCall("s1", List.of()));
            next(events, WorkerEvent.OfferMade.class);
            send(requests, new WorkerRequest.GetStats("s1"));
            WorkerEvent.Stats stats = next(events, WorkerEvent.Stats.class);
            assertTrue(stats.figures().path("camera").asText().contains("rpicam-vid"), stats.toString());
            assertTrue(stats.figures().path("videoFramesCaptured").asLong() > 6,
                    "the camera opened for the picture feeds the call: " + stats.figures());
            send(requests, new WorkerRequest.TakeSnapshot("r2", 0));
            assertEquals("r2", next(events, WorkerEvent.SnapshotTaken.class).ringId(), "a ring during the call gets its picture too");
            send(requests, new WorkerRequest.EndCall("s1", EndReason.NORMAL));
            next(events, WorkerEvent.CallEnded.class);
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its call");
        assertEquals(0, worker.exitValue());
    }

    /**
     * Several viewers: a second owner joins the call with its own session (its own offer, on the
     * same camera); the first leaves and the worker goes on for the second; it exits after the last.
     */
    @Test
    void aSecondSessionJoinsTheCallAndTheWorkerOutlivesTheFirst() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), "--video", "synthetic", "--size", "320x240", "--fps", "15");
        Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                OutputStream requests = worker.getOutputStream()) {
            next(events, WorkerEvent.Ready.class);
            send(requests, new WorkerRequest.StartCall("s1", List.of()));
            assertEquals("s1", next(events, WorkerEvent.OfferMade.class).session());
            send(requests, new WorkerRequest.StartCall("s2", List.of()));
            assertEquals("s2", next(events, WorkerEvent.OfferMade.class).session(), "the second viewer's own offer");
            send(requests, new WorkerRequest.StartCall("s2", List.of()));
            assertTrue(next(events, WorkerEvent.Problem.class).message().contains("already on"));
            send(requests, new WorkerRequest.EndCall("s1", EndReason.NORMAL));
            assertEquals("s1", next(events, WorkerEvent.CallEnded.class).session());
            send(requests, new WorkerRequest.GetStats("s2"));
            WorkerEvent.Stats stats = next(events, WorkerEvent.Stats.class);
            assertEquals("s2", stats.session());
            assertTrue(stats.figures().path("camera").asText().startsWith("synthetic"), "the camera goes on: " + stats.figures());
            assertTrue(worker.isAlive(), "the worker goes on for the second viewer");
            send(requests, new WorkerRequest.EndCall("s2", EndReason.NORMAL));
            assertEquals("s2", next(events, WorkerEvent.CallEnded.class).session());
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its last session");
        assertEquals(0, worker.exitValue());
    }

    /**
     * Issue 11, defect 6b: an answer whose SDP is garbage was neither applied nor refused (the worker
     * threw an uncaught java.lang.Error) and the call hung until its timeout. Now each ends the call
     * at once with media-failed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"garbage", "v=0", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"})
    void anAnswerThatCannotBeAppliedEndsTheCallAtOnce(String sdp) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "--video", "synthetic", "--size", "160x120", "--fps", "5");
        Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                OutputStream requests = worker.getOutputStream()) {
            next(events, WorkerEvent.Ready.class);
            send(requests, new WorkerRequest.StartCall("s1", List.of()));
            next(events, WorkerEvent.OfferMade.class);
            send(requests, new WorkerRequest.ApplyAnswer("s1", sdp));
            assertEquals(EndReason.MEDIA_FAILED, next(events, WorkerEvent.CallEnded.class).reason());
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its call");
    }

    private static void send(OutputStream requests, WorkerRequest request) throws Exception {
        send(requests, WorkerChannel.encode(request));
    }

    private static void send(OutputStream requests, String line) throws Exception {
        requests.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
    }

    private static <E extends WorkerEvent> E next(BufferedReader events, Class<E> type) throws Exception {
        String line;
        while ((line = events.readLine()) != null) {
            if (!line.startsWith("{")) {
                continue;
            }
            WorkerEvent event = WorkerChannel.decodeEvent(line); // every event line must decode
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("the worker ended before sending " + type);
    }
}
