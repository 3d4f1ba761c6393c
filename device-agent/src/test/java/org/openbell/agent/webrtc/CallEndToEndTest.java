package org.openbell.agent.webrtc;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
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
 * Answering from the browser opens a real WebRTC call: the agent's media worker (libwebrtc) in
 * the "door" network namespace, Chromium with fake camera and microphone in the "phone"
 * namespace, joined by a veth; signaling over the agent's embedded broker. Nothing leaves the
 * namespaces the test creates.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(CallEndToEndTest.class);
    private static final double WAIT_MS = 30_000;
    private static final int TONE_HZ = 1000;

    @TempDir
    static Path state;
    static Namespaces ns;
    static Agent agent;
    static Chromium chromium;
    static Page page;

    @BeforeAll
    static void start() throws Exception {
        String unavailable = Namespaces.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        String noSound = SimulatedSound.unavailableReason();
        assumeTrue(noSound == null, noSound);
        ns = Namespaces.create();
        var config = ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                ring: {timeout: 30s}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: %s, webSocketPort: %d, anonymous: true}
                web: {bind: %s, port: 0}
                media: {audio: simulated, toneHz: %d, workerCommandPrefix: [ip, netns, exec, %s], maxViewers: 2}
                stateDir: "%s"
                """.formatted(TestPorts.free(), ns.rootAddress, TestPorts.free(), ns.rootAddress, TONE_HZ, ns.door, state), "call test config");
        agent = Agent.start(config);
        chromium = Chromium.launchInNamespace(ns.phone);
        page = chromium.phone("owner");
        page.navigate("https://" + ns.rootAddress + ":" + agent.webPort() + "/?owner=olivia");
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(chromium, agent, ns);
    }

    @AfterEach
    void noCallLeftOver() {
        if (agent != null && !agent.calls().snapshot().phase().equals("idle")) {
            agent.calls().hangup();
            await(() -> agent.calls().snapshot().phase().equals("idle"), "the call to end");
        }
    }

    /** Rings, answers in the page, and waits for the media to connect. */
    private void ringAndAnswer() {
        ((SimulatedBoard) agent.board()).press();
        visible("#ring-screen");
        page.locator("#answer").click();
        visible("#call-screen[data-state=connected]");
        await(() -> agent.calls().snapshot().phase().equals("connected"), "the agent to see the call connected");
    }

    /** Video frames the page has decoded in its call so far. */
    static long framesDecoded(Page page) {
        Object frames = page.evaluate("""
                async () => {
                  let frames = 0;
                  (await openbell.call.pc.getStats()).forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded ?? 0;
                  });
                  return frames;
                }""");
        return ((Number) frames).longValue();
    }

    @Test
    @Order(1)
    void answeringOpensACallWithVideoAndAudioBothWays() throws Exception {
        ringAndAnswer();
        page.waitForFunction("() => openbell.call && openbell.call.firstFrameAt > 0", null,
                new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        double answerToFirstFrame = ((Number) page.evaluate("() => openbell.call.firstFrameAt - openbell.answerClickedAt")).doubleValue();
        log.info("Answer click to first decoded frame: {} ms", Math.round(answerToFirstFrame));

        long before = framesDecoded(page);
        Thread.sleep(3000);
        long after = framesDecoded(page);
        log.info("Frames decoded: {} then {} three seconds later", before, after);
        assertTrue(after - before >= 30, "video keeps flowing: " + before + " -> " + after);

        log.info("Browser inbound audio: {}", page.evaluate("""
                async () => {
                  let out = {};
                  (await openbell.call.pc.getStats()).forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'audio') out = {level: s.audioLevel, energy: s.totalAudioEnergy, packets: s.packetsReceived, codec: s.codecId};
                  });
                  out.audioElementPaused = document.getElementById('remote-audio').paused;
                  out.hasRemote = !!openbell.call.remoteAudio;
                  return JSON.stringify(out);
                }"""));
        log.info("Device stats before the tone check: {}", agent.calls().stats().get(10, TimeUnit.SECONDS));
        @SuppressWarnings("unchecked")
        Map<String, Object> tone = (Map<String, Object>) page.evaluate("() => openbell.call.dominantHz()");
        double hz = ((Number) tone.get("hz")).doubleValue();
        log.info("Device-to-owner audio: dominant {} Hz at level {}", Math.round(hz), tone.get("level"));
        assertTrue(Math.abs(hz - TONE_HZ) < 60, "the owner hears the doorbell microphone's tone, got " + hz + " Hz");

        JsonNode stats = agent.calls().stats().get(10, TimeUnit.SECONDS);
        log.info("Device stats: {}", stats);
        assertTrue(stats.path("audioInPeakRms").asDouble() > 100,
                "the owner's (fake) microphone reaches the doorbell's speaker sink: " + stats);

        String codecs = page.locator("#call-stats").textContent();
        assertTrue(codecs.contains("H264") && codecs.contains("640×480"), "stats line: " + codecs);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/call.png")));

        long workerPid = agent.calls().snapshot().workerPid().orElseThrow();
        page.locator("#hangup").click();
        await(() -> agent.calls().snapshot().phase().equals("idle"), "the agent to end the call");
        assertEquals("normal", agent.calls().snapshot().lastEnd().orElseThrow());
        assertTrue(page.locator("#call-screen").isHidden());
        await(() -> ProcessHandle.of(workerPid).map(p -> !p.isAlive()).orElse(true), "the call's worker to exit");
    }

    /**
     * Issue 15: a quick reply picked in a call plays on the doorbell's speaker along with the call's
     * audio (the sound server mixes them), heard at its sink; the call goes on.
     */
    @Test
    @Order(2)
    void aQuickReplyPickedInACallIsHeardAtTheDoorAndTheCallGoesOn() throws Exception {
        ringAndAnswer();
        String session = agent.calls().snapshot().sessionId().orElseThrow();
        try (var speaker = agent.simulatedSound().orElseThrow().listenToSpeaker()) {
            page.locator("#mute").click(); // the owner's beeps stop reaching the door: the speaker goes quiet
            long quietFrom = System.currentTimeMillis() + 1000;
            Thread.sleep(2500);
            assertEquals(List.of(), speaker.onsets().stream().filter(t -> t >= quietFrom).toList(), "the door is quiet with the owner muted");
            long tapped = System.currentTimeMillis();
            page.locator("#call-replies button[data-reply-id=coming]").click();
            page.waitForSelector("#call-reply-note:has-text('Playing at the door')", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
            await(() -> speaker.onsets().stream().anyMatch(t -> t >= tapped), "the reply to be heard at the door's speaker");
            log.info("Quick reply in a call: heard at the door {} ms after the tap",
                    speaker.onsets().stream().filter(t -> t >= tapped).findFirst().orElseThrow() - tapped);
        }
        assertEquals("connected", agent.calls().snapshot().phase(), "the call goes on");
        assertEquals(java.util.Optional.of(session), agent.calls().snapshot().sessionId());
        page.locator("#mute").click();
        page.locator("#hangup").click();
        await(() -> agent.calls().snapshot().phase().equals("idle"), "the call to end");
    }

    @Test
    @Order(2)
    void theDoorbellCanHangUp() {
        ringAndAnswer();
        agent.calls().hangup();
        page.waitForFunction("() => document.getElementById('ring-result').textContent.includes('doorbell ended the call')",
                null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        assertEquals("true", page.locator("#ring-result").getAttribute("data-call-ended"));
        assertTrue(page.locator("#call-screen").isHidden());
    }

    @Test
    @Order(3)
    void aKilledWorkerEndsTheCallAndTheNextCallWorks() {
        ringAndAnswer();
        long pid = agent.calls().snapshot().workerPid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
        page.waitForFunction("() => document.getElementById('ring-result').textContent.includes('media-failed')",
                null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        assertTrue(page.locator("#call-screen").isHidden(), "the page ended the call");
        assertEquals("media-failed", agent.calls().snapshot().lastEnd().orElseThrow());

        ringAndAnswer();
        agent.calls().hangup();
        await(() -> agent.calls().snapshot().phase().equals("idle"), "the second call to end");
        await(() -> workerProcesses().size() <= 1, "only the spare worker to remain, not " + workerProcesses());
    }

    @Test
    @Order(4)
    void aCallSurvivesThePhoneChangingItsAddress() throws Exception {
        ringAndAnswer();
        String session = agent.calls().snapshot().sessionId().orElseThrow();
        try {
            ns.renumberPhone("10.77.2.3", "10.77.2.2");
            // The old path is dead: the doorbell restarts ICE and the page answers on the same call.
            page.waitForFunction("() => (openbell.call.iceRestarts ?? 0) >= 1", null,
                    new Page.WaitForFunctionOptions().setTimeout(60_000));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long before = framesDecoded(page);
            while (framesDecoded(page) - before < 30 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(framesDecoded(page) - before >= 30, "video flows again on the new path");
            assertEquals(session, agent.calls().snapshot().sessionId().orElseThrow(), "the same call");
            assertEquals("connected", agent.calls().snapshot().phase());
            String pair = (String) page.evaluate("""
                    async () => {
                      let pair = '';
                      const report = await openbell.call.pc.getStats();
                      report.forEach(s => {
                        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
                          pair = report.get(s.localCandidateId).address + ' <-> ' + report.get(s.remoteCandidateId).address;
                        }
                      });
                      return pair;
                    }""");
            log.info("After the ICE restart the call runs on {}", pair);
            assertTrue(pair.startsWith("10.77.2.3"), "the new address carries the call: " + pair);
        } finally {
            ns.renumberPhone("10.77.2.2", "10.77.2.3");
        }
    }

    /**
     * Issue 14: "Look at the door" opens the camera without a ring; the door hears nothing from the
     * owner until they choose to talk. A ring during it rings as usual, and answering it keeps the
     * same call and opens the owner's microphone.
     */
    @Test
    @Order(5)
    void aLiveViewShowsTheDoorAndARingDuringItIsAnsweredInPlace() throws Exception {
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onPageError(errors::add);
        page.onConsoleMessage(m -> errors.add(m.type() + ": " + m.text()));
        page.locator("#live").click();
        try {
            visible("#call-screen[data-state=connected][data-kind=live]");
        } catch (RuntimeException e) {
            throw new AssertionError("no live view; the page: " + page.evaluate(
                    "() => JSON.stringify({live: openbell.live, call: !!openbell.call, error: openbell.lastError,"
                            + " connected: openbell.client && openbell.client.connected, button: document.getElementById('live').outerHTML,"
                            + " note: document.getElementById('live-note').textContent})") + " errors " + errors
                    + " after a script click: " + page.evaluate("() => { document.getElementById('live').click(); return JSON.stringify(openbell.live); }"), e);
        }
        await(() -> agent.calls().snapshot().phase().equals("connected") && agent.calls().snapshot().liveView(),
                "the agent to see a live view connected");
        String session = agent.calls().snapshot().sessionId().orElseThrow();
        assertTrue(session.startsWith("lv"), "the page's own session id: " + session);
        long before = framesDecoded(page);
        Thread.sleep(2000);
        assertTrue(framesDecoded(page) - before >= 20, "the door camera's video flows");
        JsonNode figures = agent.calls().stats().get(10, TimeUnit.SECONDS);
        assertEquals(0, figures.path("audioInPacketsReceived").asLong(), "the owner's microphone stays off: " + figures);
        java.nio.file.Files.createDirectories(Path.of("target/screenshots"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/live-view.png")));

        ((SimulatedBoard) agent.board()).press();
        visible("#ring-screen");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/ring-during-live-view.png")));
        page.locator("#answer").click();
        page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.HIDDEN).setTimeout(WAIT_MS));
        await(() -> !agent.calls().snapshot().liveView(), "the live view to become the ring's call");
        assertEquals(java.util.Optional.of(session), agent.calls().snapshot().sessionId(), "the same call, answered in place");
        await(() -> {
            try {
                return agent.calls().stats().get(10, TimeUnit.SECONDS).path("audioInPacketsReceived").asLong() > 0;
            } catch (Exception e) {
                return false;
            }
        }, "the owner's microphone to reach the door once they answered");
        page.locator("#hangup").click();
        await(() -> agent.calls().snapshot().phase().equals("idle"), "the call to end");
        visible("#live:not([disabled])");
    }

    /**
     * Issue 14, several viewers: a second owner opens "Look at the door" during the call and joins
     * it (one more peer connection on the worker's camera and microphone): both decode the video and
     * hear the doorbell's tone; a third owner past {@code media.maxViewers} (2 here) is told so; the
     * first hangs up and the second goes on watching.
     */
    @Test
    @Order(6)
    void aSecondOwnerJoinsTheCallBothSeeAndHearTheDoorAndAThirdIsToldItIsFull() throws Exception {
        String origin = "https://" + ns.rootAddress + ":" + agent.webPort();
        Page pete = chromium.phone("pete");
        Page quinn = chromium.phone("quinn");
        try {
            for (var other : List.of(Map.entry(pete, "pete"), Map.entry(quinn, "quinn"))) {
                other.getKey().navigate(origin + "/?owner=" + other.getValue());
                other.getKey().waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
            }
            ringAndAnswer();
            long workerPid = agent.calls().snapshot().workerPid().orElseThrow();
            pete.locator("#ring-result").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            pete.locator("#live").click();
            pete.locator("#call-screen[data-state=connected][data-kind=live]")
                    .waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            await(() -> agent.calls().snapshot().viewers() == 2, "two viewers at the doorbell");
            assertEquals(workerPid, agent.calls().snapshot().workerPid().orElseThrow(), "the one worker serves both");
            assertEquals(List.of("olivia", "pete"), agent.calls().snapshot().viewerOwners());

            long olivia0 = framesDecoded(page);
            long pete0 = framesDecoded(pete);
            Thread.sleep(3000);
            assertTrue(framesDecoded(page) - olivia0 >= 30, "the answerer still decodes the door's video");
            assertTrue(framesDecoded(pete) - pete0 >= 30, "the second owner decodes it too");
            for (Page viewer : List.of(page, pete)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> tone = (Map<String, Object>) viewer.evaluate("() => openbell.call.dominantHz()");
                double hz = ((Number) tone.get("hz")).doubleValue();
                assertTrue(Math.abs(hz - TONE_HZ) < 60, "each owner hears the doorbell's microphone, got " + hz + " Hz");
            }
            java.nio.file.Files.createDirectories(Path.of("target/screenshots"));
            pete.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/second-viewer.png")));

            quinn.locator("#live").click();
            Locator note = quinn.locator("#live-note");
            note.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            assertTrue(note.textContent().contains("as many phones as it can"), note.textContent());
            assertTrue(quinn.locator("#call-screen").isHidden(), "no call screen for the third");
            quinn.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/viewers-full.png")));
            assertEquals(2, agent.calls().snapshot().viewers());

            page.locator("#hangup").click();
            await(() -> agent.calls().snapshot().viewers() == 1, "the answerer to leave");
            long pete1 = framesDecoded(pete);
            Thread.sleep(2000);
            assertTrue(framesDecoded(pete) - pete1 >= 20, "the second owner goes on watching");
            pete.locator("#hangup").click();
            await(() -> agent.calls().snapshot().phase().equals("idle"), "the last viewer to leave");
            await(() -> ProcessHandle.of(workerPid).map(p -> !p.isAlive()).orElse(true), "the worker to exit after its last viewer");
        } finally {
            pete.context().close();
            quinn.context().close();
        }
    }

    @Test
    @Order(7)
    void twentyCallsInARowDoNotGrowTheAgent() {
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        java.util.Set<Long> workers = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            ringAndAnswer();
            agent.calls().snapshot().workerPid().ifPresent(workers::add);
            page.locator("#hangup").click();
            await(() -> agent.calls().snapshot().phase().equals("idle"), "call " + i + " to end");
        }
        long heapAfter = usedHeapAfterGc();
        int threadsAfter = Thread.activeCount();
        log.info("20 calls: heap {} -> {} KiB, threads {} -> {}, {} distinct workers", heapBefore / 1024, heapAfter / 1024,
                threadsBefore, threadsAfter, workers.size());
        assertEquals(20, workers.size(), "a fresh worker per call: " + workers);
        assertTrue(heapAfter - heapBefore < 16L * 1024 * 1024, "heap grew by " + (heapAfter - heapBefore) / 1024 + " KiB");
        assertTrue(threadsAfter - threadsBefore < 10, "threads " + threadsBefore + " -> " + threadsAfter);
        await(() -> workerProcesses().size() <= 1, "only the spare worker to remain");
    }

    private static List<ProcessHandle> workerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("org.openbell.media.worker.WorkerMain"))
                .filter(ProcessHandle::isAlive).toList();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void visible(String selector) {
        page.locator(selector).waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
