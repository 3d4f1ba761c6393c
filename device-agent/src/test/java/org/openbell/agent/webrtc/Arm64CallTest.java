package org.openbell.agent.webrtc;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.call.SimulatedSound;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.e2e.Chromium;
import org.openbell.hardware.SimulatedBoard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13: a real call on arm64. The media worker runs on Debian trixie's arm64 Java with the
 * package's webrtc-java {@code linux-aarch64} libwebrtc, under qemu-user emulation, in the "door"
 * network namespace; Chromium answers from the "phone" namespace. Once with H.264, once with VP8
 * (the page offers only VP8 in its answer); Opus both ways, DTLS-SRTP. Run by
 * {@code scripts/arm64-call}, which builds the arm64 root and passes {@code -Dopenbell.arm64Root};
 * skipped otherwise. Emulation is slow: a small picture at a low frame rate.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Arm64CallTest {

    private static final Logger log = LoggerFactory.getLogger(Arm64CallTest.class);
    private static final double WAIT_MS = 120_000;
    private static final int TONE_HZ = 1000;
    private static final String ROOT = System.getProperty("openbell.arm64Root");

    @TempDir
    static Path state;
    static Namespaces ns;
    static Agent agent;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ROOT != null, "scripts/arm64-call runs this (it needs the arm64 root)");
        String unavailable = Namespaces.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        String noSound = SimulatedSound.unavailableReason();
        assumeTrue(noSound == null, noSound);
        String java = "/usr/lib/jvm/java-25-openjdk-arm64/bin/java";
        String jar = "/usr/share/openbell/openbell-agent.jar";
        assertTrue(Files.isExecutable(Path.of(ROOT + java)) && Files.isRegularFile(Path.of(ROOT + jar)),
                "the arm64 root has Java and the package: " + ROOT);
        assertTrue(Files.isRegularFile(Path.of(ROOT, "proc/self/status")) && Files.isDirectory(Path.of(ROOT + state)),
                "scripts/arm64-call mounts /proc and /tmp in the root (the worker's sound server socket is in this test's /tmp folder)");
        ns = Namespaces.create();
        // In a chroot: Debian's Java finds its configuration through absolute symlinks (/etc/java-25-openjdk).
        var config = ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                ring: {timeout: 60s}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: %s, webSocketPort: %d, anonymous: true}
                web: {bind: %s, port: 0}
                media:
                  audio: simulated
                  toneHz: %d
                  width: 320
                  height: 240
                  fps: 10
                  workerCommandPrefix: [ip, netns, exec, %s, chroot, "%s"]
                  workerJava: "%s"
                  workerClasspath: "%s"
                stateDir: "%s"
                """.formatted(TestPorts.free(), ns.rootAddress, TestPorts.free(), ns.rootAddress, TONE_HZ, ns.door, ROOT, java, jar, state),
                "arm64 call test config");
        agent = Agent.start(config);
        chromium = Chromium.launchInNamespace(ns.phone);
        long t0 = System.nanoTime();
        await(agent.calls()::workerReady, "the arm64 media worker to be ready", 300_000);
        log.info("arm64 media worker ready {} s after the agent", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(chromium, agent, ns);
    }

    @AfterEach
    void noCallLeftOver() {
        if (agent != null && !agent.calls().snapshot().phase().equals("idle")) {
            agent.calls().hangup();
            await(() -> agent.calls().snapshot().phase().equals("idle"), "the call to end", 60_000);
        }
        if (agent != null) {
            await(agent.calls()::workerReady, "the next arm64 worker", 300_000);
        }
    }

    @Test
    @Order(1)
    void anH264CallOnArm64HasVideoAndAudioBothWays() throws Exception {
        call("H264", null);
    }

    @Test
    @Order(2)
    void aVp8CallOnArm64HasVideoAndAudioBothWays() throws Exception {
        // The answer carries only VP8, so the doorbell's libwebrtc must encode VP8.
        call("VP8", VP8_ONLY);
    }

    /** A page script: the page's answer offers only VP8 for video. */
    static final String VP8_ONLY = """
            const answer = RTCPeerConnection.prototype.createAnswer;
            RTCPeerConnection.prototype.createAnswer = function (...args) {
              const vp8 = RTCRtpReceiver.getCapabilities('video').codecs.filter(c => /VP8|rtx/i.test(c.mimeType));
              this.getTransceivers().filter(t => t.receiver.track.kind === 'video').forEach(t => t.setCodecPreferences(vp8));
              return answer.apply(this, args);
            };""";

    private void call(String codec, String initScript) throws Exception {
        Page page = chromium.phone("owner-" + codec);
        try {
            if (initScript != null) {
                page.addInitScript(initScript);
            }
            page.onConsoleMessage(m -> log.info("[page {}] {}", m.type(), m.text()));
            String url = "https://" + ns.rootAddress + ":" + agent.webPort() + "/?owner=olivia";
            try {
                page.navigate(url);
            } catch (com.microsoft.playwright.PlaywrightException e) {
                log.warn("first load failed ({}); again", e.getMessage().lines().findFirst().orElse(""));
                page.navigate(url); // a fresh namespace may fail Chromium's first request (ERR_NETWORK_CHANGED)
            }
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            ((SimulatedBoard) agent.board()).press();
            page.waitForSelector("#ring-screen:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(30_000));
            long workerPid = -1;
            page.locator("#answer").click();
            page.waitForFunction("() => openbell.call && openbell.call.firstFrameAt > 0", null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
            workerPid = agent.calls().snapshot().workerPid().orElseThrow();
            String exe = Files.readSymbolicLink(Path.of("/proc/" + workerPid + "/exe")).toString();
            log.info("{} call: worker {} runs {}; answer to first frame {} ms", codec, workerPid, exe,
                    page.evaluate("() => Math.round(openbell.call.firstFrameAt - openbell.answerClickedAt)"));
            assertTrue(exe.contains("qemu-aarch64") || exe.contains("aarch64-binfmt"), "the worker is the emulated arm64 Java: " + exe);

            long before = CallEndToEndTest.framesDecoded(page);
            Thread.sleep(5000);
            long after = CallEndToEndTest.framesDecoded(page);
            log.info("{} call: frames decoded {} then {} five seconds later", codec, before, after);
            assertTrue(after - before >= 10, "video keeps flowing from the arm64 encoder: " + before + " -> " + after);

            await(() -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> tone = (Map<String, Object>) page.evaluate("() => openbell.call.dominantHz()");
                return Math.abs(((Number) tone.get("hz")).doubleValue() - TONE_HZ) < 60;
            }, "the owner to hear the doorbell microphone's " + TONE_HZ + " Hz tone (Opus from arm64)", 60_000);
            JsonNode stats = null;
            for (int i = 0; i < 30; i++) {
                stats = agent.calls().stats().get(30, TimeUnit.SECONDS);
                if (stats.path("audioInPeakRms").asDouble() > 100) {
                    break;
                }
                Thread.sleep(1000);
            }
            log.info("{} call: doorbell stats {}", codec, stats);
            assertTrue(stats.path("audioInPeakRms").asDouble() > 100, "the owner's microphone reaches the arm64 doorbell's speaker: " + stats);
            String line = page.locator("#call-stats").textContent();
            log.info("{} call: page stats line: {}", codec, line);
            assertTrue(line.contains(codec), "the call's video codec is " + codec + ": " + line);
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/arm64-call-" + codec + ".png")));
            page.locator("#hangup").click();
            await(() -> agent.calls().snapshot().phase().equals("idle"), "the call to end", 60_000);
        } finally {
            page.context().close();
        }
    }

    private static void await(BooleanSupplier condition, String what, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
