package org.openbell.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The worker process and its JSON-line protocol, with real libwebrtc: ready, an offer with
 * H.264 first, a camera that fails mid-call falling back to the test pattern, stats, hang-up, exit.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkerProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            assertEquals("ready", next(events, "ready").path("ev").asText());
            send(requests, "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[]}");
            JsonNode offer = next(events, "offer");
            String sdp = offer.path("sdp").asText();
            String video = sdp.substring(sdp.indexOf("m=video"));
            String firstPayload = video.split("\r\n")[0].split(" ")[3];
            assertTrue(video.contains("a=rtpmap:" + firstPayload + " H264/90000"), "H.264 is preferred: " + video.split("\r\n")[0]);
            assertTrue(video.contains("a=fmtp:" + firstPayload + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
                    "constrained baseline, packetization-mode 1 first");

            JsonNode problem = next(events, "error");
            assertTrue(problem.path("message").asText().startsWith("camera failed: the camera stream ended"), problem.toString());
            Thread.sleep(500);
            send(requests, "{\"op\":\"stats\",\"session\":\"s1\"}");
            JsonNode stats = next(events, "stats");
            assertTrue(stats.path("camera").asText().startsWith("synthetic"), "fell back to the test pattern: " + stats);

            send(requests, "{\"op\":\"not-an-op\"}");
            assertTrue(next(events, "error").path("message").asText().contains("unknown op"));
            send(requests, "{\"op\":\"hangup\",\"session\":\"s1\",\"reason\":\"normal\"}");
            assertEquals("normal", next(events, "ended").path("reason").asText());
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its call");
        assertEquals(0, worker.exitValue());
    }

    /**
     * Issue 11, defect 6b: an answer whose SDP is garbage was neither applied nor refused (the worker
     * threw an uncaught java.lang.Error) and the call hung until its timeout. Now each ends the call
     * at once with media-failed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"garbage", "v=0", "v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\ns=-\\r\\nt=0 0\\r\\n", ""})
    void anAnswerThatCannotBeAppliedEndsTheCallAtOnce(String sdp) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "--video", "synthetic", "--size", "160x120", "--fps", "5");
        Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                OutputStream requests = worker.getOutputStream()) {
            next(events, "ready");
            send(requests, "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[]}");
            next(events, "offer");
            send(requests, "{\"op\":\"answer\",\"session\":\"s1\",\"sdp\":\"" + sdp + "\"}");
            assertEquals("media-failed", next(events, "ended").path("reason").asText());
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS), "the worker exits after its call");
    }

    private static void send(OutputStream requests, String line) throws Exception {
        requests.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
    }

    private static JsonNode next(BufferedReader events, String type) throws Exception {
        String line;
        while ((line = events.readLine()) != null) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode event = JSON.readTree(line);
            if (event.path("ev").asText().equals(type)) {
                return event;
            }
        }
        throw new AssertionError("the worker ended before sending " + type);
    }
}
